import pytest

from tests.files.conftest import register_record_types


@pytest.fixture(scope="session", autouse=True)
def record_types():
    register_record_types()
