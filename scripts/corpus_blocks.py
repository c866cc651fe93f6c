"""Convert documents written in the team's block authoring format into the corpus format.

The corpus and the evaluation set are written by hand as plain text, one paragraph per line,
which is easier to write and review than JSON::

    === doc qa001 | genre: news | level: tinh | province: Huế | year: 2024
    [H] bao_chi_xuat_ban | Khai mạc Hội Báo Xuân Giáp Thìn 2024
    [B] - | Phát biểu khai mạc, đồng chí ...

``[H]`` is a heading or title, ``[B]`` a body paragraph; labels are comma-separated codes or
``-``. This script appends such documents to a corpus folder (``paragraphs.jsonl`` and
``reports.jsonl``), refusing ids that are already there.

    python scripts/corpus_blocks.py OUT_DIR FILE... [--answers FILE ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tgclassify.constants import LABELS  # noqa: E402

#: genre of the authoring format -> doc_type of reports.jsonl
DOC_TYPE = {"news": "tin_bai", "headlines": "tieu_de", "commentary": "binh_luan",
            "speech": "phat_bieu", "plan": "ke_hoach", "dispatch": "cong_van", "report": "bao_cao"}
_HEAD = re.compile(r"^=== doc (\S+)\s*\|(.*)$")
_PARA = re.compile(r"^\[(H|B)\]\s*([^|]*?)\s*\|\s*(.+)$")


def parse_blocks(path: Path) -> list[dict]:
    docs: list[dict] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if m := _HEAD.match(line):
            meta = dict(part.split(":", 1) for part in m.group(2).split("|") if ":" in part)
            meta = {k.strip(): v.strip() for k, v in meta.items()}
            if meta.get("genre") not in DOC_TYPE:
                raise SystemExit(f"{path}:{n}: unknown genre {meta.get('genre')!r}")
            docs.append({"doc_id": m.group(1), "meta": meta, "paragraphs": []})
        elif (m := _PARA.match(line)) and docs:
            kind, labs, text = m.groups()
            labels = [] if labs.strip() in ("", "-") else [x.strip() for x in labs.split(",")]
            if bad := [x for x in labels if x not in LABELS]:
                raise SystemExit(f"{path}:{n}: unknown label(s) {bad}")
            docs[-1]["paragraphs"].append(
                {"kind": "heading" if kind == "H" else "body", "text": text.strip(),
                 "labels": [x for x in LABELS if x in labels]})
        else:
            raise SystemExit(f"{path}:{n}: not a document or paragraph line")
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    para_path, rep_path = out / "paragraphs.jsonl", out / "reports.jsonl"
    known = set()
    if rep_path.exists():
        known = {json.loads(x)["doc_id"] for x in rep_path.read_text(encoding="utf-8").splitlines()
                 if x.strip()}
    docs = [d for f in args.files for d in parse_blocks(f)]
    if clash := sorted(known & {d["doc_id"] for d in docs}):
        raise SystemExit(f"doc ids already in {out}: {clash[:10]}")
    with para_path.open("a", encoding="utf-8") as fp, rep_path.open("a", encoding="utf-8") as fr:
        for d in docs:
            meta = d["meta"]
            title = next((p["text"] for p in d["paragraphs"] if p["kind"] == "heading"),
                         d["paragraphs"][0]["text"])
            year = meta.get("year", "")
            fr.write(json.dumps({
                "doc_id": d["doc_id"], "title": title, "doc_type": DOC_TYPE[meta["genre"]],
                "genre": meta["genre"], "sender_level": meta.get("level", ""),
                "province": meta.get("province", ""),
                "year": int(year) if year.isdigit() else None}, ensure_ascii=False) + "\n")
            for pos, p in enumerate(d["paragraphs"]):
                fp.write(json.dumps({"id": f"{d['doc_id']}-{pos:02d}", "doc_id": d["doc_id"],
                                     "pos": pos, "kind": p["kind"], "text": p["text"],
                                     "labels": p["labels"]}, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents, {sum(len(d['paragraphs']) for d in docs)} paragraphs -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
