# A client table that is quick to copy at each reload.
s|^  capacity: 1048576 .*|  capacity: 131072|
