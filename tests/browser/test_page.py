#!/usr/bin/python3
"""racedemo's --html page in a real browser: headless Chromium driven by chromedriver.

For a few runs (model, exploration, deadlock, real threads, a clean fixed variant) it writes
the page and the JSON of the same run, loads the page and checks: no console errors, as many
steps ([data-step]) as the JSON trace, the damaging steps ([data-damage]) those the JSON marks,
the verdict the JSON's, and the arrow keys and buttons moving the current step
(aria-current="step"). Usage: test_page.py RACEDEMO [--screenshot PNG]
"""
import json
import os
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CASES = [
    ["counter", "--explore"],
    ["rwmutex-cache", "--explore", "--threads", "3"],
    ["lock-order", "--explore"],
    ["job-queue", "--mode", "model", "--seed", "2"],
    ["trie-race", "--runs", "3", "--threads", "4"],
    ["counter", "--fixed", "--explore"],
]
VERDICT_WORDS = {"corrupted": "CORRUPTED", "clean": "CLEAN", "deadlocked": "DEADLOCKED",
                 "no-bug-found": "NO BUG FOUND"}

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAILED:", what)


def browser():
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


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


def click(driver, element_id):
    """Clicks a button once nothing covers it: on a loaded machine the page may still be laying
    out when the click comes (seen in CI: the click landed on a table heading). Waits for the
    condition, at most 10 s; a button still covered then fails the test."""
    WebDriverWait(driver, 10, ignored_exceptions=[ElementClickInterceptedException]).until(
        lambda d: d.find_element(By.ID, element_id).click() or True)


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
    click(driver, "next")
    check(current(driver) == [last], f"{name}: Next stops at the last step")
    click(driver, "first")
    check(current(driver) == [first], f"{name}: First moves to the first step")


def check_page(driver, racedemo, args, directory, number):
    name = " ".join(args)
    page = os.path.join(directory, f"page{number}.html")
    run = subprocess.run([racedemo, *args, "--json", "--html", page], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    check(run.returncode == 0, f"{name}: exit {run.returncode}: {run.stderr.strip()}")
    if run.returncode != 0:
        return
    data = json.loads(run.stdout)
    trace = data["trace"] or data.get("deadlock_trace") or []
    driver.get("file://" + page)
    steps = driver.find_elements(By.CSS_SELECTOR, "[data-step]")
    check(len(steps) == len(trace), f"{name}: {len(steps)} steps on the page, {len(trace)} in JSON")
    damaged = [event["step"] for event in trace if event["note"]]
    on_page = [int(row.get_attribute("data-step"))
               for row in driver.find_elements(By.CSS_SELECTOR, "[data-damage]")]
    check(on_page == damaged, f"{name}: damage marked at {on_page}, the JSON at {damaged}")
    verdict = driver.find_element(By.ID, "verdict").text
    check(verdict.startswith(VERDICT_WORDS[data["verdict"]]),
          f"{name}: the page says '{verdict}', the JSON {data['verdict']}")
    if steps:
        check_moves(driver, name, [row.get_attribute("data-step") for row in steps])
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    check(not errors, f"{name}: console errors {errors}")


def main():
    racedemo = sys.argv[1]
    driver = browser()
    try:
        with tempfile.TemporaryDirectory() as directory:
            for number, args in enumerate(CASES):
                check_page(driver, racedemo, args, directory, number)
            if "--screenshot" in sys.argv:
                page = os.path.join(directory, "shot.html")
                subprocess.run([racedemo, "rwmutex-cache", "--explore", "--html", page],
                               capture_output=True, check=True)
                driver.get("file://" + page)
                body = driver.find_element(By.TAG_NAME, "body")
                for _ in range(7):
                    body.send_keys(Keys.ARROW_RIGHT)
                driver.save_screenshot(sys.argv[sys.argv.index("--screenshot") + 1])
    finally:
        driver.quit()
    print(f"browser: {len(CASES)} pages, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
