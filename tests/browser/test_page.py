#!/usr/bin/python3
"""racedemo's --html page in a real browser: headless Chromium driven by chromedriver, its window
1280×720, a projector's.

For a few runs (model, exploration, deadlocks, real threads, a clean fixed variant) it writes the
page and the JSON of the same run, loads the page and checks:
 - no console errors; as many steps ([data-step]) as the JSON trace; the damaging steps
   ([data-damage]) those the JSON marks;
 - the heading and the verdict whole, as the page's own text report has them (unwrapped), and the
   verdict the JSON's; a real run's outcome histogram shown openly, with the JSON's counts;
 - every heading and table cell whole: nothing cut by overflow, no page wider than the window,
   nothing invisible that keeps its space (a gap);
 - each step in its own thread's lane, and each deadlocked wait in the waiting thread's lane;
 - the arrow keys and buttons moving the current step (aria-current="step"), and "The damage"
   bringing the damaging step into view, below the controls;
 - axe-core (the accessibility engine) finds no violation, colour contrast included at WCAG AAA
   (7:1: a projector washes colours out): at the first step, at the damage, and at the last step
   with the full text report open.
Usage: test_page.py RACEDEMO --axe AXE_MIN_JS [--screenshot PNG]
--screenshot saves the trie-race model page at its damage, 1280×720.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WIDTH, HEIGHT = 1280, 720
CASES = [
    ["counter", "--explore"],
    ["rwmutex-cache", "--explore", "--threads", "3"],
    # A deadlock whose heading is longer than the text report's 100 columns.
    ["rwmutex-recursive", "--explore"],
    # Deadlocks: both threads wait for good; T2 waits while T1, which holds the lock, has finished.
    ["lock-order", "--explore"],
    ["early-return", "--mode", "model", "--explore"],
    ["trie-race", "--mode", "model", "--explore"],
    ["job-queue", "--mode", "model", "--seed", "2"],
    # Real threads: the outcome histogram is the result.
    ["trie-race", "--runs", "3", "--threads", "4"],
    ["counter", "--fixed", "--explore"],
    # Real threads, clean: a histogram and no steps.
    ["counter", "--fixed", "--runs", "3"],
]
SCREENSHOT_CASE = ["trie-race", "--mode", "model", "--explore"]
VERDICT_WORDS = {"corrupted": "CORRUPTED", "clean": "CLEAN", "deadlocked": "DEADLOCKED",
                 "no-bug-found": "NO BUG FOUND"}

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAILED:", what)


def browser():
    options = Options()
    # The background-networking flags: this machine's network is closed, and Chromium's own
    # connections would only fail.
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # The window's size includes what headless Chromium keeps for its frame: the page's own
    # viewport is set, so that it is the projector's 1280×720 exactly.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                            "mobile": False})
    driver.set_script_timeout(60)
    return driver


def current(driver):
    return [row.get_attribute("data-step")
            for row in driver.find_elements(By.CSS_SELECTOR, '[aria-current="step"]')]


def in_view(driver, element_id):
    """Whether the element is wholly inside the window and nothing covers its centre."""
    return driver.execute_script("""
        const box = document.getElementById(arguments[0]).getBoundingClientRect();
        const inside = box.top >= 0 && box.bottom <= window.innerHeight;
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return inside && hit !== null && hit.id === arguments[0];""", element_id)


def step_in_view(driver, step, with_room=False):
    """Whether the step's row is wholly inside the window, below the sticky controls and lane
    headings.
    with_room: and clear of the window's last quarter too, so that the steps after it show,
    unless the page ends there."""
    return driver.execute_script("""
        const row = document.querySelector('tr[data-step="' + arguments[0] + '"]');
        const box = row.getBoundingClientRect();
        const above = Math.max(document.querySelector('.controls').getBoundingClientRect().bottom,
                               document.querySelector('table.lanes thead').getBoundingClientRect().bottom);
        const inside = box.top >= above - 1 && box.bottom <= innerHeight + 1;
        const end = scrollY + innerHeight >= document.documentElement.scrollHeight - 1;
        return inside && (!arguments[1] || box.bottom <= innerHeight * 0.75 || end);""",
                                 step, with_room)


def click(driver, element_id):
    """Clicks a button once nothing covers it: on a loaded machine the page may still be laying
    out when the click comes (seen in CI: the click landed on a table heading). Waits for the
    condition, at most 10 s; a button still covered then fails the test."""
    WebDriverWait(driver, 10, ignored_exceptions=[ElementClickInterceptedException]).until(
        lambda d: d.find_element(By.ID, element_id).click() or True)


def unwrapped(lines, index):
    """Line `index` of the text report with the lines it was wrapped onto (indented two columns
    under a line that starts at column 0), joined again."""
    whole = lines[index]
    for line in lines[index + 1:]:
        if not re.match(r"  \S", line):
            break
        whole += " " + line.strip()
    return whole


def text_report(driver):
    return driver.execute_script("return document.querySelector('details pre').textContent")


def check_heading_and_verdict(driver, name, data, lines):
    heading = driver.find_element(By.TAG_NAME, "h1").text
    check(heading == unwrapped(lines, 0), f"{name}: the heading '{heading}' is not the text's "
          f"'{unwrapped(lines, 0)}'")
    word = VERDICT_WORDS[data["verdict"]]
    verdict = driver.find_element(By.ID, "verdict").text
    check(verdict.startswith(word), f"{name}: the page says '{verdict}', the JSON {data['verdict']}")
    at = [i for i, line in enumerate(lines) if line.startswith(word + ":")]
    check(len(at) == 1, f"{name}: the text report has {len(at)} verdict lines")
    if at:
        check(verdict == unwrapped(lines, at[0]),
              f"{name}: the verdict '{verdict}' is not the text's '{unwrapped(lines, at[0])}'")
    if data["mode"] == "real" and data["verdict"] == "corrupted":
        bad = sum(data[k] for k in ("corrupted_runs", "crashed_runs", "hung_runs", "failed_runs",
                                    "deadlocked_runs"))
        counts = (f"{bad} of {data['runs']} runs went wrong ({data['corrupted_runs']} corrupted, "
                  f"{data['crashed_runs']} crashed, {data['hung_runs']} hung")
        check(counts in verdict, f"{name}: the verdict '{verdict}' lacks the JSON's '{counts}'")


def check_outcomes(driver, name, data, lines):
    """A real run's histogram: shown (not in a closed block), each outcome with the JSON's count,
    in the text report's order."""
    tables = driver.find_elements(By.ID, "outcomes")
    check(len(tables) == 1 and tables[0].is_displayed(), f"{name}: no outcome histogram shown")
    if not tables:
        return
    rows = [(row.find_elements(By.TAG_NAME, "td")[0].text,
             int(row.find_elements(By.TAG_NAME, "td")[1].text))
            for row in tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")]
    check(dict(rows) == data["outcomes"], f"{name}: outcomes {rows}, the JSON {data['outcomes']}")
    in_text = [(m.group(1).strip(), int(m.group(2)))
               for m in (re.match(r" (.+?) +(\d+)  █+$", line) for line in lines) if m]
    check(rows == in_text, f"{name}: outcomes {rows}, the text report {in_text}")
    check(sum(count for _, count in rows) == data["runs"], f"{name}: the outcomes add up to "
          f"{sum(count for _, count in rows)} runs, not {data['runs']}")


def check_whole(driver, name, when):
    """Nothing cut: every heading and table cell shows all its text; the page is no wider than
    the window; nothing invisible keeps its space."""
    found = driver.execute_script("""
        const label = el => el.tagName.toLowerCase() + ' "' + el.textContent.trim().slice(0, 40) + '"';
        const over = el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
        const clipped = [], gaps = [];
        for (const el of document.querySelectorAll('h1, h2, #verdict, th, td, button')) {
          if (el.textContent.trim() && el.getClientRects().length && over(el)) clipped.push(label(el));
        }
        for (const el of document.body.querySelectorAll('*')) {
          const style = getComputedStyle(el);
          const hides = /hidden|clip/.test(style.overflowX + style.overflowY) ||
                        style.textOverflow === 'ellipsis';
          if (hides && el.textContent.trim() && over(el)) clipped.push(label(el));
          if (style.visibility === 'hidden' && el.getBoundingClientRect().height > 0) gaps.push(label(el));
        }
        const page = document.documentElement;
        return {clipped: clipped, gaps: gaps, wider: page.scrollWidth > page.clientWidth};""")
    check(not found["clipped"], f"{name}, {when}: cut: {found['clipped']}")
    check(not found["gaps"], f"{name}, {when}: hidden but keeping its space: {found['gaps']}")
    check(not found["wider"], f"{name}, {when}: the page is wider than the window")


def check_lanes(driver, name, data, trace):
    """Each step's cell in its thread's lane; each thread that waits for good (the JSON's
    wait_for) in its own lane, after the steps."""
    table = driver.execute_script("""
        const lane = {};
        let column = 0;
        for (const th of document.querySelector('table.lanes thead tr').cells) {
          const thread = th.textContent.match(/^T(\\d+)/);
          if (thread) lane[thread[1]] = column;
          column += th.colSpan;
        }
        const cells = [];
        for (const row of document.querySelectorAll('table.lanes tbody tr')) {
          let at = 0;
          for (const cell of row.cells) {
            const text = cell.textContent.trim();
            if (at > 0 && text) cells.push({step: row.dataset.step, thread: row.dataset.thread,
                                            column: at, text: text});
            at += cell.colSpan;
          }
        }
        return {lane: lane, cells: cells};""")
    lane, cells = table["lane"], table["cells"]
    misplaced = [c["step"] for c in cells if c["step"] and lane.get(c["thread"]) != c["column"]]
    check(not misplaced, f"{name}: steps {misplaced} are not in their thread's lane")
    # A thread whose last step is a wait (a lock found taken) shows its wait there, as a step.
    last = {}
    for event in trace:
        last[str(event["thread"])] = event
    waits = [wait for wait in data.get("wait_for") or []
             if not last.get(str(wait["thread"]), {}).get("waits")]
    after = [c for c in cells if not c["step"]]
    for wait in waits:
        thread, target = str(wait["thread"]), wait["waits_for"]
        shown = [c for c in after if f"{target}: waits" in c["text"]]
        check(len(shown) == 1 and shown[0]["column"] == lane.get(thread),
              f"{name}: T{thread}'s wait for {target} is not in its lane (column {lane.get(thread)}"
              f"): {[(c['column'], c['text']) for c in shown]}")
    # A thread that finished holding a lock someone waits for (the JSON's abandoned_locks)
    # shows it in its own lane, beside the waits.
    abandoned = data.get("abandoned_locks") or []
    for left in abandoned:
        thread, lock = str(left["thread"]), left["lock"]
        shown = [c for c in after if c["text"] == f"finished, still holding {lock}"]
        check(len(shown) == 1 and shown[0]["column"] == lane.get(thread),
              f"{name}: T{thread}'s abandoned {lock} is not in its lane: "
              f"{[(c['column'], c['text']) for c in shown]}")
    check(len(after) == len(waits) + len(abandoned),
          f"{name}: {len(after)} cells after the steps, not {len(waits)} waits and "
          f"{len(abandoned)} abandoned locks: {[c['text'] for c in after]}")


def run_axe(driver, axe_source, name, when):
    """axe-core's rules, WCAG AAA contrast (color-contrast-enhanced) besides the default AA."""
    # From the top of the page: text scrolled under the sticky controls is text axe cannot judge.
    driver.execute_script("window.scrollTo(0, 0)")
    driver.execute_script(axe_source)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {rules: {'color-contrast-enhanced': {enabled: true}}})
          .then(r => done({violations: r.violations.map(v => v.id + ': ' + v.nodes.map(
                             n => n.target.join(' ') + ' (' + n.failureSummary + ')').join('; ')),
                           incomplete: r.incomplete.filter(v => v.id.startsWith('color-contrast'))
                             .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join('; '))}))
          .catch(e => done({violations: ['axe failed: ' + e], incomplete: []}));""")
    check(not result["violations"], f"{name}, {when}: axe: {result['violations']}")
    # Contrast axe could not judge (text over an image, under another element) is not judged
    # good either.
    check(not result["incomplete"], f"{name}, {when}: axe could not judge {result['incomplete']}")


def check_moves(driver, name, steps):
    """steps: the data-step of each row, in order (a real run's window need not start at 1)."""
    body = driver.find_element(By.TAG_NAME, "body")
    first, last = steps[0], steps[-1]
    second = steps[1] if len(steps) > 1 else first
    check(current(driver) == [first], f"{name}: step {first} is current at first, not {current(driver)}")
    body.send_keys(Keys.ARROW_RIGHT)
    check(current(driver) == [second], f"{name}: the right arrow moves to step {second}")
    body.send_keys(Keys.ARROW_LEFT)
    check(current(driver) == [first], f"{name}: the left arrow moves back to step {first}")
    body.send_keys(Keys.END)
    check(current(driver) == [last], f"{name}: End moves to the last step")
    check(in_view(driver, "next"), f"{name}: the buttons stay in view at the last step")
    check(step_in_view(driver, last), f"{name}: the last step is in view at the last step")
    click(driver, "next")
    check(current(driver) == [last], f"{name}: Next stops at the last step")
    click(driver, "first")
    check(current(driver) == [first], f"{name}: First moves to the first step")
    check(step_in_view(driver, first), f"{name}: the first step is in view after First")


def check_damage_button(driver, name, damaged):
    """From the top of the page, "The damage" makes the first damaging step current, in view."""
    click(driver, "first")
    driver.execute_script("window.scrollTo(0, 0)")
    click(driver, "damage")
    step = str(damaged[0])
    check(current(driver) == [step], f"{name}: The damage moves to step {step}, not {current(driver)}")
    check(step_in_view(driver, step, with_room=True),
          f"{name}: The damage leaves step {step} out of view or at the window's bottom edge")


def write_page(racedemo, args, page):
    run = subprocess.run([racedemo, *args, "--json", "--html", page], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    check(run.returncode == 0, f"{' '.join(args)}: exit {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout) if run.returncode == 0 else None


def check_page(driver, racedemo, axe_source, args, directory, number):
    name = " ".join(args)
    page = os.path.join(directory, f"page{number}.html")
    data = write_page(racedemo, args, page)
    if data is None:
        return
    trace = data["trace"] or data.get("deadlock_trace") or []
    driver.get("file://" + page)
    steps = driver.find_elements(By.CSS_SELECTOR, "[data-step]")
    check(len(steps) == len(trace), f"{name}: {len(steps)} steps on the page, {len(trace)} in JSON")
    damaged = [event["step"] for event in trace if event["note"]]
    on_page = [int(row.get_attribute("data-step"))
               for row in driver.find_elements(By.CSS_SELECTOR, "[data-damage]")]
    check(on_page == damaged, f"{name}: damage marked at {on_page}, the JSON at {damaged}")
    lines = text_report(driver).split("\n")
    check_heading_and_verdict(driver, name, data, lines)
    if data["mode"] == "real":
        check_outcomes(driver, name, data, lines)
    check_whole(driver, name, "at the first step")
    run_axe(driver, axe_source, name, "at the first step")
    if steps:
        check_lanes(driver, name, data, trace)
        check_moves(driver, name, [row.get_attribute("data-step") for row in steps])
    if damaged:
        check_damage_button(driver, name, damaged)
        run_axe(driver, axe_source, name, "at the damage")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.END)
    driver.execute_script("document.querySelector('details').open = true")
    check_whole(driver, name, "at the last step")
    run_axe(driver, axe_source, name, "at the last step, the text report open")
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    check(not errors, f"{name}: console errors {errors}")


def screenshot(driver, racedemo, directory, path):
    """The trie-race model page at its damage, as a projector shows it."""
    page = os.path.join(directory, "shot.html")
    if write_page(racedemo, SCREENSHOT_CASE, page) is None:
        return
    driver.get("file://" + page)
    click(driver, "damage")
    driver.save_screenshot(path)
    with open(path, "rb") as png:
        size = struct.unpack(">II", png.read(24)[16:24])  # the IHDR chunk: width, height
    check(size == (WIDTH, HEIGHT), f"the screenshot is {size[0]}×{size[1]}, not {WIDTH}×{HEIGHT}")
    print(f"browser: screenshot {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("racedemo")
    parser.add_argument("--axe", required=True, help="axe-core's axe.min.js")
    parser.add_argument("--screenshot", metavar="PNG")
    arguments = parser.parse_args()
    with open(arguments.axe, encoding="utf-8") as file:
        axe_source = file.read()
    started = time.monotonic()
    driver = browser()
    try:
        with tempfile.TemporaryDirectory() as directory:
            for number, args in enumerate(CASES):
                check_page(driver, arguments.racedemo, axe_source, args, directory, number)
            if arguments.screenshot:
                screenshot(driver, arguments.racedemo, directory, arguments.screenshot)
    finally:
        driver.quit()
    print(f"browser: {len(CASES)} pages, {len(failures)} failures, "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
