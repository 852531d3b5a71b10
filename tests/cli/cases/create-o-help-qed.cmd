$IMGTOOL create -f qed -o help
