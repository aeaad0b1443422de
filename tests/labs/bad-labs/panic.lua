-- A malformed lab: a question that is not a table (made the grader panic, aborting the process).
return { id = "panic", version = "1", steps = { { title = "s", questions = { 5 } } } }
