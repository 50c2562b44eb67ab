"""What an import did, item by item, and the closing summary it prints."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Summary:
    title: str = ""
    site: str = ""
    posts_in_file: int = 0
    imported: Counter = field(default_factory=Counter)  # by status
    already_imported: int = 0
    refused: list[str] = field(default_factory=list)
    rule_breaks: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> items
    attachments_in_file: int = 0
    photos_imported: int = 0
    photos_already: int = 0
    photos_reused: int = 0
    missing_files: list[str] = field(default_factory=list)
    not_pictures: list[str] = field(default_factory=list)
    refused_files: list[str] = field(default_factory=list)
    images_dropped: int = 0
    categories_in_file: int = 0
    sections: set = field(default_factory=set)
    categories_as_tags: set = field(default_factory=set)
    unused_categories: set = field(default_factory=set)
    tags_in_file: int = 0
    tags_used: set = field(default_factory=set)
    tags_undeclared: set = field(default_factory=set)
    tags_merged: dict = field(default_factory=dict)  # slug -> the name it joined
    unused_tags: set = field(default_factory=set)
    standfirsts_generated: int = 0
    redirects: int = 0
    comments: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def posts_accounted_for(self) -> int:
        return (
            sum(self.imported.values())
            + self.already_imported
            + len(self.refused)
            + self.skipped_posts
        )

    @property
    def skipped_posts(self) -> int:
        return sum(n for reason, n in self.skipped.items() if reason.startswith("post"))

    def lines(self) -> list[str]:
        imported = ", ".join(
            f"{n} {status}" for status, n in sorted(self.imported.items())
        )
        lines = [
            f"WordPress import of “{self.title}” ({self.site})",
            f"Posts: {self.posts_in_file} in the file, "
            f"{self.posts_accounted_for} accounted for",
            f"  imported: {sum(self.imported.values())}"
            + (f" ({imported})" if imported else ""),
            f"  already imported before: {self.already_imported}",
            f"  refused: {len(self.refused)}",
            *[f"    {line}" for line in self.refused],
            f"  let in breaking publishing rules (--allow-rule-breaks): "
            f"{len(self.rule_breaks)}",
            *[f"    {line}" for line in self.rule_breaks],
            "Skipped:",
            *[f"  {reason}: {n}" for reason, n in sorted(self.skipped.items())],
            f"Attachments: {self.attachments_in_file} in the file",
            f"  imported as photos: {self.photos_imported} "
            f"(already in the library: {self.photos_reused}; "
            f"imported before: {self.photos_already})",
            f"  files missing: {len(self.missing_files)}",
            *[f"    {line}" for line in self.missing_files],
            f"  not pictures (audio, video, documents), not imported: "
            f"{len(self.not_pictures)}",
            *[f"    {line}" for line in self.not_pictures],
            f"  files refused by the photo checks: {len(self.refused_files)}",
            *[f"    {line}" for line in self.refused_files],
            f"  images in bodies left out (file missing): {self.images_dropped}",
            f"Categories: {self.categories_in_file} in the file: "
            f"{len(self.sections)} became sections (a post's first category), "
            f"{len(self.categories_as_tags)} only ever a later category (kept as "
            f"tags), {len(self.unused_categories)} on no imported post",
            f"Tags: {self.tags_in_file} declared in the file and "
            f"{len(self.tags_undeclared)} more used by posts only: "
            f"{len(self.tags_used)} on imported posts ({len(self.tags_merged)} joined "
            f"a tag of the same name), {len(self.unused_tags)} on no imported post",
            *[
                f"  {slug} → “{name}”"
                for slug, name in sorted(self.tags_merged.items())
            ],
            f"Standfirsts made from the body (no excerpt in WordPress): "
            f"{self.standfirsts_generated}",
            f"Old permalinks answering 301: {self.redirects}",
            f"Comments not imported (Newsroom has none): {self.comments}",
        ]
        if self.unused_categories:
            unused = ", ".join(sorted(self.unused_categories))
            lines.append(f"Categories on no imported post: {unused}")
        if self.unused_tags:
            unused = ", ".join(sorted(self.unused_tags))
            lines.append(f"Tags on no imported post: {unused}")
        if self.notes:
            lines += ["Notes:", *[f"  {note}" for note in self.notes]]
        return lines
