# The world's table (the location database), the documentation ranges
# carved out of it (carveout.csv), then the generated CSV.
s|^organisations: \(.*\)$|organisations:\n  sources:\n    - libloc: /usr/share/libloc-location/location.db\n    - csv: @CASE@/carveout.csv\n    - csv: \1|
# Two world tables at once during a hand-over.
s|"-m", "[0-9]*"|"-m", "3072"|
# A client table that is quick to copy at each reload.
s|^  capacity: 1048576 .*|  capacity: 131072|
