"""The hashed lock files match pyproject.toml: every dependency pinned with hashes, within its
declared range, the same version in both files; and bin/setup and the image install them with
hashes required. Fails when a dependency is added to pyproject.toml without running bin/lock."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins(name: str) -> dict[str, tuple[Version, int]]:
    """{package: (version, number of hashes)} from a pip-compile lock file."""
    pins: dict[str, tuple[Version, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line):
            current = canonicalize_name(match[1])
            pins[current] = (Version(match[2]), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", PROJECT["dependencies"]),
        (
            "requirements-test.lock",
            PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"],
        ),
    ],
)
def test_every_declared_dependency_is_pinned_with_hashes_within_its_range(lock, requirements):
    pins = _pins(lock)
    assert all(hashes for _, hashes in pins.values()), "a pin without a hash"
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in {lock}: run bin/lock"
        version, _ = pins[name]
        assert requirement.specifier.contains(version), f"{name}=={version} vs {text}: bin/lock"


def test_both_lock_files_pin_the_same_version_of_what_they_share():
    site, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert {n: v for n, (v, _) in site.items()} == {n: test[n][0] for n in site}


def test_the_declared_lower_bounds_are_the_tested_versions():
    """The floors in pyproject.toml are what the lock pins and CI runs (code review B1)."""
    pins = _pins("requirements-test.lock")
    for text in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]:
        requirement = Requirement(text)
        floors = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
        assert floors, f"{text} has no lower bound"
        pinned = pins[canonicalize_name(requirement.name)][0]
        # To the floor's own precision: ">=6.170" is met by the tested 6.170.27, not by 6.171.
        assert pinned.release[: len(floors[0].release)] == floors[0].release, (
            f"{text}: the lock tests {pinned}; raise the lower bound to it"
        )


def test_setup_the_image_and_ci_install_with_hashes_required():
    assert '--require-hashes -r "$lock"' in (ROOT / "bin" / "setup").read_text()
    assert "--no-deps --no-build-isolation -e ." in (ROOT / "bin" / "setup").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "bin/test" in (ROOT / ".ci" / "run").read_text()  # bin/test runs bin/setup --test
    assert "--index-url" not in (ROOT / "requirements.lock").read_text()
