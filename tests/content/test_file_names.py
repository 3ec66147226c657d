"""Every file in the indicators folder is accounted for (issue 25): a file not named ``<code>.yaml`` is named by
``check`` with what to rename it to, and ``9`` beside ``09`` is one error."""

from __future__ import annotations

import pytest
from projects import indicator_yaml, run_reportgen, write_project

#: (slip, file name, code inside, Thai words check must print, English words)
SLIPS = [
    ("upper case", "13.YAML", "13", "เปลี่ยนชื่อไฟล์เป็น 13.yaml", "rename the file to 13.yaml"),
    ("notepad", "14.yaml.txt", "14", "เปลี่ยนชื่อไฟล์เป็น 14.yaml", "rename the file to 14.yaml"),
    ("copy", "08 - Copy.yaml", "15", "เปลี่ยนชื่อไฟล์เป็น 15.yaml", "rename the file to 15.yaml"),
    ("no zero", "9.yaml", "9", "เป็นตัวชี้วัดเดียวกับ 09", "is the same indicator as 09"),
]


@pytest.mark.parametrize("slip, name, code, thai, english", SLIPS, ids=[slip[0] for slip in SLIPS])
def test_check_names_the_file_and_what_to_rename_it_to(tmp_path, slip, name, code, thai, english):
    root = write_project(tmp_path / "p", {
        "indicators/2564/09.yaml": indicator_yaml(code="09"),
        f"indicators/2564/{name}": indicator_yaml(code=code),
    })
    for lang, words in (("th", thai), ("en", english)):
        result = run_reportgen("check", "--lang", lang, cwd=root)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert name in output and words in output, output
        assert "'08 - Copy'" not in output
        assert output.count(name + ":") == 1, output  # one error, not one per rule


def test_nothing_else_in_the_folder_is_flagged(tmp_path):
    root = write_project(tmp_path / "p", {
        "indicators/2564/09.yaml": indicator_yaml(code="09"), "indicators/2564/notes.txt": "บันทึก",
    })
    assert run_reportgen("check", cwd=root).returncode == 0
