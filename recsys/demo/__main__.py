"""``python -m recsys.demo --out data``: regenerate the shipped demo files."""

from recsys.demo.generate import main

main()
