"""The app database: question log, feedback, eval-run history, KB activation history.

SQLite under the data dir by default, any SQLAlchemy URL (PostgreSQL) with `DATABASE_URL`.
Writing to it must never break the chat: `AppDB.safe` swallows and reports failures once.
"""

from appdb.db import AppDB
from appdb.models import Activation, Base, EvalRun, Feedback, QuestionLog

__all__ = ["AppDB", "Activation", "Base", "EvalRun", "Feedback", "QuestionLog"]
