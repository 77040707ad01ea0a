#!/usr/bin/env python
from sendpath.cli import main

if __name__ == "__main__":
    main()
