#include "cli/new_project.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "cli/validators.hpp"

namespace racedemo {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCMakeLists =
    R"(# Builds the racedemo scenario plugin @NAME@.so (and @NAME@.tsan.so, for --detector tsan).
# racedemo's CMake package comes with racedemo (the .deb, or `cmake --install` of its build);
# installed elsewhere than /usr, give its prefix: cmake -DCMAKE_PREFIX_PATH=PREFIX ...
cmake_minimum_required(VERSION 3.20)
project(@NAME@ LANGUAGES CXX)

find_package(racedemo REQUIRED)

# One scenario plugin. More source files may follow the first.
racedemo_add_scenario(@NAME@ @NAME@.cpp)
)";

constexpr const char* kScenario =
    R"scenario(// @NAME@: two or more threads deposit into one bank account.
//
// What races: Deposit reads the balance, adds the amount, and writes the sum back. Two threads
// that read the same balance both write their own sum: one deposit is lost.
//
//   racedemo --plugin build/@NAME@.so @NAME@                  unsafe: CORRUPTED, money lost
//   racedemo --plugin build/@NAME@.so @NAME@ --fixed          a mutex: CLEAN
//   racedemo --plugin build/@NAME@.so @NAME@ --mode model --explore
//                                   every schedule, and the shortest that loses a deposit
//
// To make it your own: change Account (the shared state and the code that races), the actors'
// work in actor(), and what arbiter() calls wrong; keep the Lock parameter, so that the unsafe
// and the fixed variant stay the same code, differing only in the lock.
#include <fmt/format.h>
#include <racedemo/scenario.hpp>
#include <racedemo/shared_state.hpp>

#include <mutex>
#include <optional>

namespace {

// lesson:begin
template <class Lock>
class Account {
  public:
    void Deposit(int amount) {
        std::lock_guard guard(mu_);  // NoLock in the unsafe variant: it does nothing
        int balance = balance_.load();
        balance_.store(balance + amount);
    }
    int Balance() {
        std::lock_guard guard(mu_);
        return balance_.load();
    }

  private:
    // Shared<T> and the locks are racedemo's: real memory and locks on real threads, and steps
    // the model scheduler can interleave in model mode.
    racedemo::Shared<int> balance_{"balance", 0};
    Lock mu_{"mu"};
};
// lesson:end

template <class Lock>
class AccountTrial final : public racedemo::Trial {
  public:
    // The model explores every schedule: it gets a small workload, one deposit per thread.
    explicit AccountTrial(const racedemo::TrialConfig& config)
        : threads_(config.threads), deposits_(config.model ? 1 : 1000) {}

    // The work of one thread (0-based); all threads run it at once.
    void actor(int) override {
        for (int deposit = 0; deposit < deposits_; ++deposit) {
            racedemo::note("Deposit(10)");  // shown in traces: what the thread is doing
            account_->Deposit(10);
        }
    }

    // Runs alone after every thread is done: judges what happened.
    racedemo::Outcome arbiter() override {
        const int expected = 10 * threads_ * deposits_;
        const int balance = account_->Balance();
        if (balance == expected) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt("lost deposits", [&] {
            return fmt::format("the balance is {}, not {}: {} lost", balance, expected,
                               expected - balance);
        });
    }

    // A new account in the same place, so that the model reuses the trial between schedules.
    bool reset() override {
        account_.emplace();
        return true;
    }

  private:
    int threads_;
    int deposits_;
    std::optional<Account<Lock>> account_{std::in_place};
};

}  // namespace

RACEDEMO_SCENARIO({
    .name = "@NAME@",
    .summary = "threads deposit into one account: deposits are lost",
    .lesson = R"(Deposit reads the balance, adds the amount and writes the sum back: three
steps, not one. Two threads that both read the same balance both write their own sum, and
one deposit is gone. The fix holds a mutex across the read and the write.)",
    .takeaway = "a read, then a write of what was read, is not one step: lock across both",
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 400,  // real mode: trials judged clean after this many rounds
    .unsafe = racedemo::make_trial<AccountTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<AccountTrial<racedemo::Mutex>>,
});
)scenario";

constexpr const char* kReadme = R"(# @NAME@: a racedemo scenario

A scenario for racedemo, built as a plugin outside racedemo's tree. `@NAME@.cpp` holds it: an unsafe variant (no lock) and a fixed one (a mutex).

## Build

    cmake -S . -B build          # add -DCMAKE_PREFIX_PATH=PREFIX if racedemo is not in /usr
    cmake --build build

This makes `build/@NAME@.so` (and `build/@NAME@.tsan.so`, for `--detector tsan`).

## List and run

    racedemo --plugin build/@NAME@.so list
    racedemo --plugin build/@NAME@.so @NAME@                     # real threads
    racedemo --plugin build/@NAME@.so @NAME@ --fixed
    racedemo --plugin build/@NAME@.so @NAME@ --mode model --explore
    racedemo --plugin build/@NAME@.so check @NAME@               # the autograder

Or put the build directory on the plugin path, and leave out --plugin:

    export RACEDEMO_PLUGIN_PATH=$PWD/build
    racedemo @NAME@ --mode model --explore
)";

std::string filled(std::string_view text, const std::string& name) {
    std::string out;
    constexpr std::string_view kField = "@NAME@";
    for (std::size_t at = text.find(kField); at != std::string_view::npos; at = text.find(kField)) {
        out.append(text.substr(0, at)).append(name);
        text.remove_prefix(at + kField.size());
    }
    return out.append(text);
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream file(path);
    file << text;
    file.close();
    if (!file)
        throw std::runtime_error(
            fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> project_files(const std::string& name) {
    return {{"CMakeLists.txt", filled(kCMakeLists, name)},
            {name + ".cpp", filled(kScenario, name)},
            {"README.md", filled(kReadme, name)}};
}

int write_project(const NewRequest& request, std::FILE* out) {
    // "bank-race", not "./bank-race", when it goes here.
    const fs::path project = (fs::path(request.directory) / request.name).lexically_normal();
    std::error_code error;
    if (fs::exists(project, error))
        throw UsageError(fmt::format("new: {} exists already: give another name or --dir",
                                     in_quotes(project.string())));
    if (!fs::create_directory(project, error))
        throw std::runtime_error(
            fmt::format("cannot make the directory {}: {}", project.string(), error.message()));
    for (const auto& [file, text] : project_files(request.name)) write_file(project / file, text);
    fmt::print(out,
               "Wrote the project of scenario {0} in {1}/: CMakeLists.txt, {0}.cpp, README.md\n"
               "Build it and run it:\n"
               "  cmake -S {1} -B {1}/build && cmake --build {1}/build\n"
               "  racedemo --plugin {1}/build/{0}.so {0} --mode model --explore\n",
               request.name, project.string());
    return kExitRan;
}

}  // namespace racedemo
