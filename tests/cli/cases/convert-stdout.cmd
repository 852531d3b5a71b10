printf "abc" > x.raw; $IMGTOOL convert -f raw x.raw - | od -An -c
