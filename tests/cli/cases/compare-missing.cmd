$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL compare x.raw nothere.raw
