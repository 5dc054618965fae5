"""Static files from front-end packages, only the files the pages use.

A package from npm ships far more than a page loads (Vazirmatn: every weight in four formats, 20 MB); collecting
all of it made the first start spend a minute compressing files nobody asks for. Settings name each package's
folder, the URL prefix it is served under, and the few files (relative to the folder) to collect.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class _Package:
    def __init__(self, prefix: str, root: Path, files: tuple[str, ...]):
        self.prefix, self.root, self.files = prefix.strip("/"), root, files
        self.storage = FileSystemStorage(location=root)
        self.storage.prefix = self.prefix  # type: ignore[attr-defined]  # read by collectstatic and WhiteNoise

    def present(self):
        return [name for name in self.files if (self.root / name).is_file()]


class PackageFilesFinder(BaseFinder):
    """Finds the files listed in ``PEYVAND_STATIC_PACKAGES``: ``{prefix: (folder, [file, ...])}``."""

    def __init__(self, *args, **kwargs):
        self.packages = [
            _Package(prefix, Path(root), tuple(files))
            for prefix, (root, files) in getattr(settings, "PEYVAND_STATIC_PACKAGES", {}).items()
        ]

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        matches = []
        for package in self.packages:
            for name in package.present():
                if path == f"{package.prefix}/{name}":
                    found = str(package.root / name)
                    if not find_all:
                        return found
                    matches.append(found)
        return matches

    def list(self, ignore_patterns):
        for package in self.packages:
            for name in package.present():
                yield name, package.storage
