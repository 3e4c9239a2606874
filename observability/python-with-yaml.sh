#!/usr/bin/env bash
# Prints the first python3 that can import yaml: PATH's, else the system's (where apt-get installs python3-yaml).
# The observability checks run their Python helpers with it.
set -euo pipefail
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" > /dev/null && "$candidate" -c "import yaml" 2> /dev/null; then
    echo "$candidate"
    exit 0
  fi
done
echo "no python3 with PyYAML found: install it (apt-get install python3-yaml)" >&2
exit 1
