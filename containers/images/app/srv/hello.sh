# A small service: greets, says where it runs, then ticks once a second, three times.
echo "$GREETING from $(hostname), pid $$"
for n in 1 2 3; do
    echo "tick $n"
    sleep 1
done
