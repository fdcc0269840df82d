import sys
from pathlib import Path

from todo import storage

PATH = Path("todos.json")
command, *rest = sys.argv[1:]
if command == "add":
    print(storage.add(PATH, " ".join(rest)))
elif command == "list":
    for item in storage.open_items(PATH):
        print(item["id"], item["text"])
elif command == "done":
    storage.done(PATH, int(rest[0]))
