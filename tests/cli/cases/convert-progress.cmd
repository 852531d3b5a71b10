printf abc > x.raw; $IMGTOOL convert -p -f raw x.raw y.raw 2>&1 | tr "\r" "\n" | grep -c "(100.00/100%)"; cmp -n 3 x.raw y.raw && echo same
