return { a1_dir = = 3 }
