#include "real/detector.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "real/real_runner.hpp"

namespace racedemo {
namespace {

std::string directory_of_this_program() {
    char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) return ".";
    std::string text(path, static_cast<std::size_t>(n));
    return text.substr(0, text.find_last_of('/'));
}

// "    #2 Trie<NoLock>::Insert(std::basic_string_view<...>) /src/demos/s03.cpp:72
// (racedemo-tsan+0x12)"
bool parse_frame(const std::string& line, std::string& function, std::string& file_line) {
    std::size_t hash = line.find('#');
    if (hash == std::string::npos) return false;
    std::size_t start = line.find(' ', hash);
    std::size_t module = line.rfind(" (");
    std::size_t path =
        line.rfind(' ', module == std::string::npos ? std::string::npos : module - 1);
    if (start == std::string::npos || path == std::string::npos || path <= start) return false;
    function = line.substr(start + 1, path - start - 1);
    file_line =
        line.substr(path + 1, (module == std::string::npos ? line.size() : module) - path - 1);
    // Keep file:line (drop the column and the directories).
    if (std::count(file_line.begin(), file_line.end(), ':') >= 2)
        file_line = file_line.substr(0, file_line.rfind(':'));
    return file_line.find(':') != std::string::npos;
}

// "bool racedemo::go_map::Map::Range<...>(...)" -> "Map::Range": no return type, template
// arguments, parameters or namespaces.
std::string short_function(const std::string& function) {
    std::string plain;
    int depth = 0;
    for (char c : function) {
        if (c == '<' || c == '(') ++depth;
        if (depth == 0) plain += c;
        if ((c == '>' || c == ')') && depth > 0) --depth;
    }
    plain = plain.substr(
        plain.find_last_of(' ') == std::string::npos ? 0 : plain.find_last_of(' ') + 1);
    std::size_t last = plain.rfind("::");
    if (last != std::string::npos && last > 0) {
        std::size_t before = plain.rfind("::", last - 1);
        if (before != std::string::npos) plain = plain.substr(before + 2);
    }
    return plain;
}

// ThreadSanitizer counts the threads a trial creates (T1, T2, ...) apart from the main thread;
// racedemo numbers them all from 1, the main thread (the trial's first actor) being T1.
std::string racedemo_thread(const std::string& tsan_thread) {
    if (tsan_thread == "main thread") return "T1";
    if (tsan_thread.rfind("thread T", 0) == 0) {
        try {
            return fmt::format("T{}", std::stoi(tsan_thread.substr(8)) + 1);
        } catch (const std::exception&) {
        }
    }
    return tsan_thread;
}

std::string read_file(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// Reads ThreadSanitizer's text a line at a time: a report opens with its WARNING line, names
// the current access and then the previous one, each followed by its stack; the first frame in
// the scenario's own sources locates the access.
class TsanReportParser {
  public:
    explicit TsanReportParser(const std::string& source_dir_name)
        : source_dir_name_(source_dir_name) {}

    void line(const std::string& text) {
        if (text.find("WARNING: ThreadSanitizer: data race") != std::string::npos)
            return start_report();
        if (text.find("WARNING: ThreadSanitizer: lock-order-inversion") != std::string::npos)
            return start_inversion();
        if (in_inversion_) return inversion_line(text);
        if (!in_report_) return;
        if (text.rfind("SUMMARY:", 0) == 0 || text.rfind("==================", 0) == 0)
            return finish_report();
        if (access_header(text)) return;
        stack_frame(text);
    }

    DetectorResult finish() {
        finish_report();
        finish_inversion();
        return std::move(result_);
    }

  private:
    void start_inversion() {
        finish_report();
        finish_inversion();
        ++result_.lock_order_inversions;
        in_inversion_ = true;
        inversion_ = LockOrderReport{};
        edge_ = nullptr;
    }

    // "  Mutex M10 acquired here while holding mutex M9 in thread T1:" opens an edge, whose
    // stack follows; "  Mutex M9 previously acquired by the same thread here:" a stack skipped.
    void inversion_line(const std::string& text) {
        if (text.rfind("SUMMARY:", 0) == 0 || text.rfind("==================", 0) == 0)
            return finish_inversion();
        const bool header = text.size() > 2 && text[0] == ' ' && text[1] == ' ' && text[2] != ' ';
        if (header) edge_ = nullptr;  // a new part of the report: a stack, a thread, a hint
        if (text.rfind("  Mutex ", 0) == 0) return edge_header(text);
        edge_frame(text);
    }

    void edge_header(const std::string& text) {
        const std::size_t acquired = text.find(" acquired here while holding mutex ");
        if (acquired == std::string::npos) return;
        LockOrderEdge& edge = inversion_.edges.emplace_back();
        edge.acquired = text.substr(8, acquired - 8);
        const std::size_t held = acquired + 35;
        const std::size_t in = text.find(" in ", held);
        edge.held = text.substr(held, in == std::string::npos ? 0 : in - held);
        std::string thread = in == std::string::npos ? "" : text.substr(in + 4);
        if (!thread.empty() && thread.back() == ':') thread.pop_back();
        edge.thread = racedemo_thread(thread);
        edge_ = &edge;
    }

    void edge_frame(const std::string& text) {
        std::string function, file_line;
        if (edge_ == nullptr || !parse_frame(text, function, file_line)) return;
        const bool ours = file_line.find(source_dir_name_) != std::string::npos;
        if (edge_->location.empty() || ours) {
            edge_->location = file_line.substr(file_line.find_last_of('/') + 1);
            edge_->function = short_function(function);
        }
        if (ours) edge_ = nullptr;  // located in the scenario's code: the rest of the stack is not
    }

    void finish_inversion() {
        if (!in_inversion_) return;
        in_inversion_ = false;
        edge_ = nullptr;
        const auto same_places = [this](const LockOrderReport& known) {
            return std::equal(known.edges.begin(), known.edges.end(), inversion_.edges.begin(),
                              inversion_.edges.end(), [](const auto& a, const auto& b) {
                                  return a.location == b.location && a.thread == b.thread;
                              });
        };
        for (LockOrderReport& known : result_.inversions)
            if (same_places(known)) return void(++known.count);
        result_.inversions.push_back(inversion_);
    }

    void start_report() {
        finish_report();
        ++result_.reports;
        in_report_ = true;
        report_ = RaceReport{};
        access_ = nullptr;
    }

    // Reports with the same pair of locations are counted as one race.
    void finish_report() {
        if (!in_report_) return;
        in_report_ = false;
        for (RaceReport& known : result_.races) {
            if (known.current.location == report_.current.location &&
                known.previous.location == report_.previous.location) {
                ++known.count;
                return;
            }
        }
        result_.races.push_back(report_);
    }

    static bool describes_memory(const std::string& text) {
        return text.rfind("  Location", 0) == 0;
    }

    // "  Write of size 8 at 0x... by thread T2:" / "  Previous read of size 8 ... by main thread:"
    bool access_header(const std::string& text) {
        const std::size_t of_size = text.find(" of size ");
        if (of_size == std::string::npos || describes_memory(text) || text.size() <= 2 ||
            text[0] != ' ' || text[2] == ' ' || access_ == &report_.previous)
            return false;
        access_ = access_ == nullptr ? &report_.current : &report_.previous;
        std::string op = text.substr(2, of_size - 2);
        for (char& c : op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        access_->op = op;
        const std::size_t by = text.find(" by ");
        std::string thread = by == std::string::npos ? "" : text.substr(by + 4);
        if (!thread.empty() && thread.back() == ':') thread.pop_back();
        access_->thread = racedemo_thread(thread);
        located_ = false;
        return true;
    }

    void stack_frame(const std::string& text) {
        std::string function, file_line;
        if (access_ != nullptr && !located_ && parse_frame(text, function, file_line)) {
            const bool ours = file_line.find(source_dir_name_) != std::string::npos;
            if (access_->location.empty() || ours) {
                access_->location = file_line.substr(file_line.find_last_of('/') + 1);
                access_->function = short_function(function);
            }
            located_ = ours;
        } else if (text.empty() || describes_memory(text)) {
            located_ = true;  // the end of this access's stack
        }
    }

    const std::string& source_dir_name_;
    DetectorResult result_;
    RaceReport report_;
    RaceAccess* access_ = nullptr;
    bool in_report_ = false;
    bool located_ = false;
    LockOrderReport inversion_;
    LockOrderEdge* edge_ = nullptr;
    bool in_inversion_ = false;
};

}  // namespace

DetectorResult parse_tsan_reports(const std::string& text, const std::string& source_dir_name) {
    TsanReportParser parser(source_dir_name);
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) parser.line(line);
    return parser.finish();
}

// The twin: $RACEDEMO_TSAN when set (an installation that keeps it elsewhere; the tests' stand-in),
// else racedemo-tsan beside this executable.
std::string tsan_twin_path() {
    if (const char* path = std::getenv("RACEDEMO_TSAN"); path != nullptr && *path != '\0')
        return path;
    return directory_of_this_program() + "/racedemo-tsan";
}

bool tsan_twin_found() {
    return access(tsan_twin_path().c_str(), X_OK) == 0;
}

namespace {

// TSAN_OPTIONS separates its settings at spaces, commas and colons: a path is given in quotes,
// of a kind it does not hold (run_tsan_detector refuses a directory that holds both).
std::string quoted_option(const std::string& value) {
    const char quote = value.find('"') == std::string::npos ? '"' : '\'';
    return fmt::format("{}{}{}", quote, value, quote);
}

// Starts the twin with its reports logged into `directory` and its --json report on `out_fd`.
pid_t launch_twin(const std::string& runner, const std::vector<std::string>& args,
                  const std::string& directory, int out_fd) {
    pid_t child = fork();
    if (child != 0) return child;
    // Its own process group: a terminal's Ctrl-C reaches racedemo, which passes it on, and a
    // twin that does not stop can be ended with all its trials at once.
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDWR);
    dup2(out_fd, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    std::string options =
        fmt::format("log_path={} halt_on_error=0 exitcode=0 report_signal_unsafe=0 history_size=4",
                    quoted_option(directory + "/report"));
    setenv("TSAN_OPTIONS", options.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(runner.c_str())};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(const_cast<char*>("--json"));  // how far it got: runs done, hung
    argv.push_back(nullptr);
    execv(runner.c_str(), argv.data());
    _exit(127);
}

// How long a twin told to stop has before it is killed with its trials.
constexpr auto kTwinPatience = std::chrono::seconds(5);

// Reads the twin's output to its end, passing a stop request on and telling the progress.
std::string read_twin(int fd, pid_t twin, const DetectorWatch& watch) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    std::optional<Clock::time_point> told;
    std::string text;
    for (;;) {
        const int signal = !told && watch.stop_signal ? watch.stop_signal() : 0;
        if (signal != 0) {
            kill(twin, signal);
            told = Clock::now();
        }
        if (told && Clock::now() - *told > kTwinPatience) kill(-twin, SIGKILL);
        pollfd wait{fd, POLLIN, 0};
        const int ready = poll(&wait, 1, 1000);
        if (ready < 0 && errno != EINTR) return text;
        if (ready <= 0) {
            if (watch.progress)
                watch.progress(std::chrono::duration<double>(Clock::now() - started).count());
            continue;
        }
        char buffer[4096];
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return text;
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

std::string take_reports(const std::string& directory) {
    std::string reports;
    if (DIR* listing = opendir(directory.c_str())) {
        while (dirent* entry = readdir(listing)) {
            std::string name = entry->d_name;
            if (name == "." || name == "..") continue;
            reports += read_file(directory + "/" + name);
            unlink((directory + "/" + name).c_str());
        }
        closedir(listing);
    }
    rmdir(directory.c_str());
    return reports;
}

}  // namespace

void read_twin_summary(const std::string& json_text, DetectorResult& result) {
    const auto json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("runs")) {
        result.incomplete = "racedemo-tsan gave no report of its runs";
        return;
    }
    // Another racedemo (RACEDEMO_TSAN pointing at a plain build) reports its runs too, but with
    // no ThreadSanitizer in it, its silence would read as NO RACE.
    if (!json.value("thread_sanitizer", false))
        throw std::runtime_error(
            "the twin's report does not come from racedemo's ThreadSanitizer build "
            "(racedemo-tsan): "
            "RACEDEMO_TSAN, or the file beside racedemo, names another program");
    result.runs_done = json.value("runs", 0);
    result.runs_requested = json.value("runs_requested", result.runs_done);
    result.deadlocked_runs = json.value("deadlocked_runs", 0);
    result.deadlock = json.value("deadlock_evidence", "");
    const int hung = json.value("hung_runs", 0);
    const double timeout = json.value("timeout_seconds", 0.0);
    if (hung > 0)
        result.incomplete = fmt::format("{} of {} runs hung and were killed after {:g} s", hung,
                                        result.runs_done, timeout);
    else if (result.runs_done < result.runs_requested)
        result.incomplete =
            fmt::format("only {} of {} runs were done", result.runs_done, result.runs_requested);
}

// The reports go to a directory of their own, under $TMPDIR as other programs' files do.
std::string make_report_directory() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/racedemo-tsan-XXXXXX",
                                      tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp");
    if (pattern.find('"') != std::string::npos && pattern.find('\'') != std::string::npos)
        throw std::runtime_error(fmt::format(
            "TMPDIR ({}) holds both kinds of quote, and ThreadSanitizer cannot be given a path "
            "there for its reports; set TMPDIR to another directory",
            tmpdir));
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error(
            fmt::format("cannot make a temporary directory {}: {}", pattern, std::strerror(errno)));
    return pattern;
}

DetectorResult run_tsan_detector(const std::vector<std::string>& args, const std::string& own_code,
                                 const DetectorWatch& watch) {
    const std::string runner = tsan_twin_path();
    if (!tsan_twin_found())
        throw std::runtime_error(fmt::format(
            "--detector tsan needs {}, the ThreadSanitizer build of racedemo; build with "
            "RACEDEMO_DETECTOR=ON (the default) outside sanitizer builds",
            runner));
    const std::string directory = make_report_directory();
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        rmdir(directory.c_str());
        throw std::runtime_error("cannot make a pipe to racedemo-tsan");
    }
    const pid_t child = launch_twin(runner, args, directory, out[1]);
    close(out[1]);
    const std::string summary = child < 0 ? std::string() : read_twin(out[0], child, watch);
    close(out[0]);
    if (child < 0) throw std::runtime_error("cannot start racedemo-tsan");
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    const std::string reports = take_reports(directory);
    // 128 + a signal: the twin stopped when told, with its partial result.
    const bool stopped = WIFEXITED(status) && WEXITSTATUS(status) > 128;
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && !stopped)
        throw std::runtime_error("racedemo-tsan did not finish its run");
    DetectorResult result = parse_tsan_reports(reports, own_code);
    if (WIFSIGNALED(status))
        result.incomplete =
            fmt::format("racedemo-tsan was killed by {}", signal_name(WTERMSIG(status)));
    else
        read_twin_summary(summary, result);
    return result;
}

}  // namespace racedemo
