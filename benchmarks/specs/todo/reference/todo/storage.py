import json
from pathlib import Path


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text()) if path.exists() else []


def save(path: Path, items: list[dict]) -> None:
    path.write_text(json.dumps(items))


def add(path: Path, text: str) -> int:
    items = load(path)
    new_id = max((i["id"] for i in items), default=0) + 1
    items.append({"id": new_id, "text": text, "done": False})
    save(path, items)
    return new_id


def done(path: Path, item_id: int) -> None:
    items = load(path)
    for item in items:
        if item["id"] == item_id:
            item["done"] = True
    save(path, items)


def open_items(path: Path) -> list[dict]:
    return [i for i in load(path) if not i["done"]]
