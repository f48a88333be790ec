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


@pytest.fixture(scope="session")
def forms_folder(tmp_path_factory) -> Path:
    """Where tests write one-form text exports (read back at once; each write replaces the last)."""
    return tmp_path_factory.mktemp("forms")


@pytest.fixture(scope="session")
def seed_forms(forms_folder):
    """The 47 seed forms, each cut out of its export and read alone (tests/seed_forms.py)."""
    from seed_forms import seed_forms as read

    return read(forms_folder)
