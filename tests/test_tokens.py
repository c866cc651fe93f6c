import pickle
import subprocess
import sys

from tgclassify import tokenize
from tgclassify.tokens import Tokenizer, _chunks, split_tokens, tokenize_syllables


def test_words_are_joined_lowercased_and_numbers_handled():
    tokens = tokenize("Ban Tuyên giáo Thành uỷ quán triệt Nghị quyết 35 năm 2023, 8.450 lượt.")
    assert "tuyên_giáo" in tokens and "nghị_quyết" in tokens
    assert "35" in tokens and "<year>" in tokens and "<num>" in tokens
    assert "," not in tokens and "." not in tokens
    assert all(t == t.lower() for t in tokens)


def test_old_and_new_tone_spellings_give_the_same_tokens():
    assert tokenize("Thành uỷ chỉ đạo công tác văn hoá") == tokenize(
        "Thành ủy chỉ đạo công tác văn hóa")


def test_long_text_is_cut_into_bounded_chunks(monkeypatch):
    from tgclassify import constants as C

    monkeypatch.setattr(C, "TOKENIZE_CHUNK_CHARS", 100)
    text = " ".join(f"Câu số {i} nói về công tác tuyên truyền." for i in range(50))
    chunks = _chunks(text)
    assert len(chunks) > 5 and all(len(c) <= 100 for c in chunks)
    assert " ".join(chunks).split() == text.split()
    endless = "chữ " * 200
    assert all(len(c) <= 100 for c in _chunks(endless))


def test_syllables_need_no_pyvi():
    assert tokenize_syllables("Tuyên truyền miệng năm 2024") == ["tuyên", "truyền", "miệng",
                                                                  "năm", "<year>"]


def test_analyzer_pickles():
    assert pickle.loads(pickle.dumps(split_tokens))("a b") == ["a", "b"]


def test_import_is_light():
    """Importing the package must not import scikit-learn, pyvi or the document libraries."""
    code = ("import sys, tgclassify; heavy = [m for m in ('sklearn', 'pyvi', 'docx', 'pypdf', "
            "'numpy') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_tokenizer_remembers_contexts_within_its_bound(monkeypatch):
    from tgclassify import tokens

    calls = []
    real = tokens.tokenize
    monkeypatch.setattr(tokens, "tokenize", lambda t: calls.append(t) or real(t))
    tok = Tokenizer(context_cache_size=2)
    assert tok.context("I. KHOA GIÁO") == tok.context("I. KHOA GIÁO")
    assert "khoa_giáo" in tok.context("I. KHOA GIÁO").split()
    assert calls == ["I. KHOA GIÁO"]  # tokenized once
    tok.context("II. VĂN HOÁ")
    tok.context("III. BÁO CHÍ")  # over the bound: starts afresh
    assert len(tok._contexts) == 1
    assert Tokenizer().context("") == ""
