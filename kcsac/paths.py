"""Where kcsac's own files live (forms, resources) and where user data goes by default."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FORMS_DIR = PROJECT_ROOT / "forms"
RESOURCES_DIR = PROJECT_ROOT / "resources"
FONTS_DIR = RESOURCES_DIR / "fonts"
ICONS_DIR = RESOURCES_DIR / "icons"

DB_ENV_VAR = "KCSAC_DB"
DB_FILENAME = "kcsac.db"


def env_db_path() -> Path | None:
    """The database named by $KCSAC_DB, if set."""
    value = os.environ.get(DB_ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None
