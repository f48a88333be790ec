from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted((FIXTURES / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return FIXTURES / "gold"
