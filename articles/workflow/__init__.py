"""The editorial workflow: the only code that changes an article.

Every change of an article, from the admin, the importer, the scheduler or the
API, goes through these functions. Each runs in one transaction that locks the
article's row before reading what it will change, checks the actor's permission
and the publishing rules, and records an event, a revision and a new version.

- `permissions`: who may do what (the role matrix).
- `content`: `ArticleContent`, everything an article says, as one value.
- `rules`: the publishing checklist, what must hold before content reaches
  readers; `checklist`: overriding one of its rules with a reason.
- `transitions`: submit, return, schedule, publish, unpublish, the sweep.
- `editing`: create, edit, pending changes (with update notes), restore, previews.
- `corrections`: corrections and clarifications, and their withdrawal.
- `embargo`: embargo times, and their end; `takedown`: taking down, reinstating.
- `scheduler`: the scheduled sweep in time order, and its heartbeat.
- `curation`: pinning and excluding related stories.
- `photos`: deleting photos no story uses.
- `tags`: merging and renaming tags, a change of every story carrying them.
- `live`: live coverage, its start and end, and its updates.
- `importing`: articles from an interchange file.
- `scheduled_updates`: pending changes to a live story set to go out at a minute.
- `comments`: the newsroom's comments on a story, its threads and mentions.
- `merging`: a save over a newer version, merged three ways against the
  version the person opened.
"""

from articles.workflow.checklist import override_rule
from articles.workflow.comments import post_comment, reopen, resolve
from articles.workflow.content import ArticleContent
from articles.workflow.corrections import add_correction, withdraw_correction
from articles.workflow.curation import VERBS as CURATION_VERBS
from articles.workflow.curation import curate, may_curate
from articles.workflow.editing import (
    EditConflict,
    SlugTaken,
    check_edit,
    check_version,
    content_of_revision,
    create,
    discard_changes,
    edit,
    edit_fields,
    edits_are_pending,
    has_pending_changes,
    preview,
    proposed_content,
    publish_changes,
    restore,
)
from articles.workflow.embargo import EmbargoNotConfirmed, set_embargo
from articles.workflow.importing import (
    Imported,
    import_article,
    import_follows,
    import_links,
    importing_many,
)
from articles.workflow.live import (
    ImportedUpdate,
    UpdateContent,
    delete_update,
    edit_update,
    end_coverage,
    import_coverage,
    may_post_updates,
    post_update,
    start_coverage,
)
from articles.workflow.merging import MergeConflict, edit_merging
from articles.workflow.permissions import (
    ACTION_TARGETS,
    ALLOWED_MOVES,
    allowed_actions,
    can_create,
    can_delete,
    can_edit,
    can_override_checklist,
    can_take_down,
    can_view,
    is_author_of,
    is_editor,
)
from articles.workflow.photos import PhotoInUse, delete_photos
from articles.workflow.rules import (
    InvalidTransition,
    RuleResult,
    checklist,
    publish_problems,
    require_publishable,
)
from articles.workflow.scheduled_updates import (
    schedule_changes,
    scheduled_update,
    unschedule_changes,
)
from articles.workflow.scheduler import run_scheduled
from articles.workflow.tags import MergeResult, merge_tags, rename_tag
from articles.workflow.takedown import reinstate, take_down
from articles.workflow.transitions import (
    publish,
    publish_due,
    return_to_writer,
    schedule,
    submit,
    unpublish,
)

__all__ = [
    "ACTION_TARGETS",
    "ALLOWED_MOVES",
    "CURATION_VERBS",
    "ArticleContent",
    "EditConflict",
    "EmbargoNotConfirmed",
    "Imported",
    "ImportedUpdate",
    "InvalidTransition",
    "MergeConflict",
    "MergeResult",
    "PhotoInUse",
    "RuleResult",
    "SlugTaken",
    "UpdateContent",
    "add_correction",
    "allowed_actions",
    "can_create",
    "can_delete",
    "can_edit",
    "can_override_checklist",
    "can_take_down",
    "can_view",
    "check_edit",
    "check_version",
    "checklist",
    "content_of_revision",
    "create",
    "curate",
    "delete_photos",
    "delete_update",
    "discard_changes",
    "edit",
    "edit_fields",
    "edit_update",
    "end_coverage",
    "edit_merging",
    "edits_are_pending",
    "has_pending_changes",
    "import_article",
    "import_coverage",
    "importing_many",
    "import_follows",
    "import_links",
    "is_author_of",
    "is_editor",
    "override_rule",
    "may_curate",
    "may_post_updates",
    "post_update",
    "merge_tags",
    "post_comment",
    "preview",
    "proposed_content",
    "publish",
    "publish_changes",
    "publish_due",
    "publish_problems",
    "reinstate",
    "rename_tag",
    "reopen",
    "require_publishable",
    "resolve",
    "restore",
    "return_to_writer",
    "run_scheduled",
    "schedule",
    "schedule_changes",
    "scheduled_update",
    "set_embargo",
    "start_coverage",
    "submit",
    "take_down",
    "unpublish",
    "unschedule_changes",
    "withdraw_correction",
]
