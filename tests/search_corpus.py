"""The search's test site and the queries readers type, with the page each should find (issue 27).

The site is what the issue measured: the real form 08, a second long Thai form (09, the users' satisfaction, which
says "ผู้ใช้บริการ" again and again) and five short decoy forms of the same department on other subjects, so that a
query must pick its page out of similar ones. The queries are written as readers type them: whole names and parts of
words, without spaces, without tone marks, in Thai digits, codes, and English. ``QUERIES`` maps each query to the
page that answers it (``<year>/<code>.html``).

Imported by tests (``from search_corpus import search_site_files, QUERIES, ask``).
"""

from __future__ import annotations

from projects import REPO_ROOT, real_indicator

SATISFACTION_NAME = "ร้อยละของผู้ใช้บริการที่มีความพึงพอใจต่อการให้บริการของห้องสมุดเพื่อการเรียนรู้"


def _satisfaction_form() -> dict:
    """Form 09: the users' satisfaction with the libraries, a long Thai form like 08."""
    form = real_indicator() | {
        "code": "09",
        "name": SATISFACTION_NAME,
        "result_type": "outcome",
        "definition": (
            "ผู้ใช้บริการ หมายถึง ประชาชนที่เข้ามาใช้บริการห้องสมุดเพื่อการเรียนรู้กรุงเทพมหานครทั้ง 36 แห่ง "
            "ทั้งที่มาใช้บริการด้วยตนเองและใช้บริการผ่านช่องทางออนไลน์ ความพึงพอใจ หมายถึง ความรู้สึกของผู้ใช้บริการ"
            "ที่มีต่อการให้บริการของห้องสมุด ด้านสถานที่ ด้านทรัพยากรสารสนเทศ ด้านเจ้าหน้าที่ และด้านกิจกรรม"
        ),
        "calculation": "(จำนวนผู้ใช้บริการที่ตอบว่าพึงพอใจ ÷ จำนวนผู้ใช้บริการที่ตอบแบบสอบถามทั้งหมด) × 100",
        "target": {"value": 85, "unit": "ร้อยละ"},
        "result": 88.5,
        "quarters": {
            "q1": {"report": "จัดทำแบบสอบถามความพึงพอใจของผู้ใช้บริการ ทั้งแบบกระดาษและแบบออนไลน์ (Google Forms)"},
            "q2": {"report": "เก็บแบบสอบถามจากผู้ใช้บริการห้องสมุด 36 แห่ง ได้ 1,250 ชุด"},
            "q3": {"report": "ผู้ใช้บริการตอบแบบสอบถามเพิ่มอีก 1,480 ชุด รวม 2,730 ชุด วิเคราะห์ผลเบื้องต้นแล้ว"},
            "q4": {
                "report": (
                    "สรุปผลการสำรวจความพึงพอใจของผู้ใช้บริการ ผู้ใช้บริการพึงพอใจร้อยละ 88.5 "
                    "ผู้ใช้บริการพึงพอใจด้านเจ้าหน้าที่มากที่สุด รองลงมาคือด้านสถานที่และด้านบริการยืม – คืนหนังสือ "
                    "ผู้ใช้บริการเสนอให้เพิ่มที่นั่งอ่านหนังสือ เครื่องคอมพิวเตอร์ และอินเทอร์เน็ตไร้สาย (Wi-Fi)"
                ),
                "result": 88.5,
            },
        },
        "supporting_factors": (
            "เจ้าหน้าที่ห้องสมุดให้คำแนะนำผู้ใช้บริการอย่างเป็นกันเอง และมีช่องทางรับฟังความคิดเห็นของผู้ใช้บริการ"
            "ผ่านเฟซบุ๊กแฟนเพจของห้องสมุดทุกแห่ง"
        ),
        "obstacles": "ผู้ใช้บริการบางส่วนไม่สะดวกตอบแบบสอบถามออนไลน์ จึงต้องจัดทำแบบสอบถามกระดาษเพิ่ม",
        "evidence": [{"title": "รายงานผลการสำรวจความพึงพอใจของผู้ใช้บริการห้องสมุดเพื่อการเรียนรู้"}],
    }
    form.pop("plan", None)
    return form


def _short_form(code: str, name: str, definition: str, unit: str, target: int, result: int) -> dict:
    """A short decoy form: another subject of the same department, in few words."""
    form = real_indicator() | {
        "code": code, "name": name, "definition": definition, "calculation": f"นับ{name.removeprefix('จำนวน')}",
        "target": {"value": target, "unit": unit}, "result": result,
        "quarters": {"q1": {"report": "วางแผนการดำเนินงาน"}, "q2": {"report": "อยู่ระหว่างดำเนินการ"},
                     "q3": {"report": "อยู่ระหว่างดำเนินการ"},
                     "q4": {"report": f"ดำเนินการแล้ว {result} {unit}", "result": result}},
        "supporting_factors": "", "obstacles": "", "evidence": [],
    }  # fmt: skip
    form.pop("plan", None)
    return form


DECOYS = {
    "01": ("จำนวนผู้เข้าชมพิพิธภัณฑ์เด็กกรุงเทพมหานคร", "ผู้เข้าชม หมายถึง เด็กและผู้ปกครองที่เข้าชมนิทรรศการของพิพิธภัณฑ์เด็ก",
           "คน", 50000, 61250),
    "02": ("ร้อยละของลานกีฬาที่ได้รับการปรับปรุงให้ได้มาตรฐาน", "ลานกีฬา หมายถึง ลานกีฬาชุมชนในความดูแลของกรุงเทพมหานคร",
           "ร้อยละ", 80, 82),
    "03": ("จำนวนนักท่องเที่ยวที่เข้าร่วมเทศกาลวัฒนธรรมริมน้ำ", "นักท่องเที่ยว หมายถึง ผู้ที่มาร่วมงานเทศกาลวัฒนธรรมและประเพณี",
           "คน", 20000, 18500),
    "04": ("จำนวนศูนย์เยาวชนที่จัดกิจกรรมดนตรีและศิลปะ", "ศูนย์เยาวชน หมายถึง ศูนย์เยาวชนของกรุงเทพมหานครที่เปิดให้บริการ",
           "แห่ง", 30, 34),
    "05": ("ร้อยละของบุคลากรที่ผ่านการอบรมการใช้เทคโนโลยีดิจิทัล", "บุคลากร หมายถึง ข้าราชการและลูกจ้างของสำนักวัฒนธรรม กีฬา และการท่องเที่ยว",
           "ร้อยละ", 90, 93),
}  # fmt: skip


def search_site_files() -> dict:
    """The site of the issue: form 08 (real), form 09 (satisfaction), five short decoys; fiscal year 2564; the real
    project's own words (content/dictionary.txt)."""
    files = {"indicators/2564/08.yaml": real_indicator(), "indicators/2564/09.yaml": _satisfaction_form(),
             "dictionary.txt": (REPO_ROOT / "content" / "dictionary.txt").read_text(encoding="utf-8")}
    for code, (name, definition, unit, target, result) in DECOYS.items():
        files[f"indicators/2564/{code}.yaml"] = _short_form(code, name, definition, unit, target, result)
    return files


LIVING = "2564/08.html"
SATISFACTION = "2564/09.html"

#: A query as a reader types it → the page that answers it (or the pages, each as good). Written for the site above,
#: before measuring.
QUERIES: dict[str, str | tuple[str, ...]] = {
    # whole words and names, as printed
    "ห้องสมุดมีชีวิต": LIVING,
    "ผู้ใช้บริการ": SATISFACTION,
    "ความพึงพอใจ": SATISFACTION,
    "บรรณิทรรศน์ออนไลน์": LIVING,
    "พิพิธภัณฑ์เด็ก": "2564/01.html",
    "ลานกีฬา": "2564/02.html",
    "เทศกาลวัฒนธรรม": "2564/03.html",
    "ศูนย์เยาวชน": "2564/04.html",
    # parts of words: the beginning of a compound, the end of one
    "ผู้ใช้": SATISFACTION,
    "ใช้บริการ": SATISFACTION,
    "พึงพอใจ": SATISFACTION,
    "แบบสอบถาม": SATISFACTION,
    "พิพิธภัณฑ์": "2564/01.html",
    "เยาวชน": "2564/04.html",
    "ดิจิทัล": "2564/05.html",
    # phrases typed without spaces
    "ห้องสมุดมีชีวิตที่มีความทันสมัย": LIVING,
    "สำรวจความพึงพอใจของผู้ใช้บริการ": SATISFACTION,
    "อบรมการใช้เทคโนโลยีดิจิทัล": "2564/05.html",
    "นักท่องเที่ยวเทศกาล": "2564/03.html",
    # without tone marks, or with a wrong one, as typed on a phone in a hurry
    "หองสมุดมีชีวิต": LIVING,
    "ความพึงพอไจ": SATISFACTION,
    "ผูใชบริการ": SATISFACTION,
    "พิพิธภัณฑเด็ก": "2564/01.html",
    # digits and codes
    "ตัวชี้วัด 08": LIVING,
    "ตัวชี้วัด ๐๙": SATISFACTION,
    "๐๘": LIVING,
    "828 ชื่อเรื่อง": LIVING,
    "316,259": LIVING,
    # English, as a visitor or a search engine user types it
    "library": (LIVING, SATISFACTION),
    "living library": LIVING,
    "satisfaction": SATISFACTION,
    "survey": SATISFACTION,
    "museum": "2564/01.html",
    "youth": "2564/04.html",
    "online exhibition": LIVING,
    "Wi-Fi": SATISFACTION,
}


# --- Asking the site's search page in Chromium, as a reader does -------------------------------------------------

#: Where the site is served in the browser: any origin, the site at a sub-path as on the real server.
SITE_URL = "https://search.test/kpi/"
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
          ".woff2": "font/woff2", ".pagefind": "application/octet-stream"}  # fmt: skip


def ask(browser, html, queries) -> dict[str, list[str]]:
    """Each query typed into the search page of the site in ``html`` (a Playwright Chromium ``browser``): the pages
    it lists, best first, as paths inside the site."""
    from pathlib import Path

    site = Path(html).resolve()

    def answer(route):
        relative = route.request.url.split("?")[0].split("#")[0].removeprefix(SITE_URL)
        path = (site / relative).resolve()
        if not route.request.url.startswith(SITE_URL) or site not in path.parents or not path.is_file():
            return route.fulfill(status=404, body="not found")
        return route.fulfill(path=str(path), content_type=_TYPES.get(path.suffix, "application/octet-stream"))

    context = browser.new_context()
    context.route("**/*", answer)
    page = context.new_page()
    found = {}
    try:
        page.goto(SITE_URL + "search.html")
        for query in queries:
            page.evaluate("document.getElementById('search-status').removeAttribute('data-state')")
            page.fill("#search-query", query)
            page.press("#search-query", "Enter")
            page.wait_for_selector("#search-status[data-state=done], #search-status[data-state=failed]", timeout=15000)
            links = page.eval_on_selector_all(".search-result-title", "links => links.map(link => link.href)")
            found[query] = [link.split("?")[0].removeprefix(SITE_URL) for link in links]
    finally:
        context.close()
    return found


def hit_rates(found: dict[str, list[str]]) -> tuple[int, int, list[str]]:
    """(hit@1, hit@5, the queries missed at 1) of ``found`` against ``QUERIES``."""
    at_1 = at_5 = 0
    missed = []
    for query, pages in found.items():
        wanted = QUERIES[query] if isinstance(QUERIES[query], tuple) else (QUERIES[query],)
        at_1 += bool(pages[:1]) and pages[0] in wanted
        at_5 += any(page in wanted for page in pages[:5])
        if not (pages[:1] and pages[0] in wanted):
            missed.append(f"{query} → {pages[:3]}")
    return at_1, at_5, missed
