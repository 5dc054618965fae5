#!/usr/bin/env python
"""Django's usual entry point; the same as the ``peyvand`` command."""

from peyvand.cli import main

if __name__ == "__main__":
    main()
