#include "program_scenario.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "racedemo/atomic.hpp"
#include "racedemo/channel.hpp"
#include "racedemo/shared_state.hpp"

namespace testprog {
namespace program_scenario_detail {

using racedemo::Atomic;
using racedemo::Chan;
using racedemo::Mutex;
using racedemo::ObjectName;
using racedemo::RWMutex;
using racedemo::RWPolicy;
using racedemo::Shared;

thread_local const Program* current = nullptr;

bool compares_and_swaps(const Program& program, int cell) {
    for (const std::vector<Instr>& thread : program.threads)
        for (const Instr& instr : thread)
            if (instr.kind == Kind::cas && instr.object == cell) return true;
    return false;
}

// A cell: a plain Shared<int>, or an Atomic<int> where the program compares-and-swaps on it.
class Cell {
  public:
    Cell(int index, int initial, bool atomic) {
        const ObjectName name = ObjectName::indexed("c{}", index);
        if (atomic) {
            atomic_ = std::make_unique<Atomic<int>>(name, initial);
        } else {
            plain_ = std::make_unique<Shared<int>>(name, initial);
        }
    }
    int load() const { return atomic_ ? atomic_->load() : plain_->load(); }
    void store(int value) { atomic_ ? atomic_->store(value) : plain_->store(value); }
    bool cas(int expected, int desired) {
        return atomic_->compare_exchange_strong(expected, desired);
    }
    int peek() const { return atomic_ ? atomic_->peek() : plain_->peek(); }

  private:
    std::unique_ptr<Shared<int>> plain_;
    std::unique_ptr<Atomic<int>> atomic_;
};

class ProgramTrial final : public racedemo::Trial {
  public:
    explicit ProgramTrial(const racedemo::TrialConfig&) : program_(*current) {
        for (std::size_t c = 0; c < program_.cells.size(); ++c) {
            const int index = static_cast<int>(c);
            cells_.emplace_back(index, program_.cells[c], compares_and_swaps(program_, index));
        }
        for (int m = 0; m < program_.mutexes; ++m)
            mutexes_.push_back(std::make_unique<Mutex>(ObjectName::indexed("m{}", m)));
        for (std::size_t r = 0; r < program_.rwlocks.size(); ++r) {
            const RWPolicy policy = program_.rwlocks[r].writer_preferring
                                        ? RWPolicy::writer_preferring
                                        : RWPolicy::reader_preferring;
            rwlocks_.push_back(std::make_unique<RWMutex>(
                ObjectName::indexed("rw{}", static_cast<int>(r)), policy));
        }
        for (std::size_t c = 0; c < program_.channels.size(); ++c)
            channels_.push_back(std::make_unique<Chan<int>>(
                ObjectName::indexed("ch{}", static_cast<int>(c)), program_.channels[c].capacity));
        registers_.assign(program_.threads.size(),
                          std::vector<int>(static_cast<std::size_t>(program_.registers), 0));
    }

    void actor(int thread) override {
        std::vector<int>& regs = registers_[static_cast<std::size_t>(thread)];
        const std::vector<Instr>& code = program_.threads[static_cast<std::size_t>(thread)];
        std::size_t pc = 0;
        while (pc < code.size()) pc = execute(code[pc], regs, pc);
    }

    racedemo::Outcome arbiter() override {
        std::vector<int> cells;
        for (const Cell& cell : cells_) cells.push_back(cell.peek());
        return {outcome_label(registers_, cells), is_corrupt(program_, registers_, cells), {}};
    }

  private:
    static int value_of(const Expr& expr, const std::vector<int>& regs) {
        return (expr.reg >= 0 ? regs[static_cast<std::size_t>(expr.reg)] : 0) + expr.constant;
    }

    // Runs one instruction; returns the next pc (past the end: the thread is done).
    std::size_t execute(const Instr& instr, std::vector<int>& regs, std::size_t pc) {
        const auto object = static_cast<std::size_t>(instr.object);
        int& reg = regs[static_cast<std::size_t>(instr.reg)];
        switch (instr.kind) {
            case Kind::read:
                reg = cells_[object].load();
                break;
            case Kind::write:
                cells_[object].store(value_of(instr.value, regs));
                break;
            case Kind::cas:
                reg = cells_[object].cas(instr.expected, value_of(instr.value, regs)) ? 1 : 0;
                break;
            case Kind::jump_if:
                return reg == instr.expected ? static_cast<std::size_t>(instr.target) : pc + 1;
            default:
                return synchronise(instr, regs, pc);
        }
        return pc + 1;
    }

    std::size_t synchronise(const Instr& instr, std::vector<int>& regs, std::size_t pc) {
        const auto object = static_cast<std::size_t>(instr.object);
        switch (instr.kind) {
            case Kind::lock:
                mutexes_[object]->lock();
                break;
            case Kind::unlock:
                mutexes_[object]->unlock();
                break;
            case Kind::rlock:
                rwlocks_[object]->lock_shared();
                break;
            case Kind::runlock:
                rwlocks_[object]->unlock_shared();
                break;
            case Kind::wlock:
                rwlocks_[object]->lock();
                break;
            case Kind::wunlock:
                rwlocks_[object]->unlock();
                break;
            default:
                return communicate(instr, regs, pc);
        }
        return pc + 1;
    }

    std::size_t communicate(const Instr& instr, std::vector<int>& regs, std::size_t pc) {
        Chan<int>& channel = *channels_[static_cast<std::size_t>(instr.object)];
        if (instr.kind == Kind::send) {
            try {
                channel.send(value_of(instr.value, regs));
            } catch (const std::logic_error&) {
                return static_cast<std::size_t>(-1);  // a send on a closed channel: it panics
            }
        } else if (instr.kind == Kind::recv) {
            const std::optional<int> value = channel.recv();
            regs[static_cast<std::size_t>(instr.reg)] = value ? *value : -1;
        } else {
            channel.close();
        }
        return pc + 1;
    }

    const Program& program_;
    std::vector<Cell> cells_;
    std::vector<std::unique_ptr<Mutex>> mutexes_;
    std::vector<std::unique_ptr<RWMutex>> rwlocks_;
    std::vector<std::unique_ptr<Chan<int>>> channels_;
    std::vector<std::vector<int>> registers_;
};

}  // namespace program_scenario_detail

const racedemo::Scenario& program_scenario() {
    static const racedemo::Scenario scenario{
        .number = 0,
        .name = "program",
        .summary = "a program given as data",
        .default_threads = 2,
        .fixed = racedemo::make_trial<program_scenario_detail::ProgramTrial>,
    };
    return scenario;
}

ProgramScope::ProgramScope(const Program& program) : previous_(program_scenario_detail::current) {
    program_scenario_detail::current = &program;
}

ProgramScope::~ProgramScope() {
    program_scenario_detail::current = previous_;
}

racedemo::ModelResult explore_program(const Program& program, racedemo::Reduction reduction,
                                      int preemption_bound) {
    ProgramScope scope(program);
    racedemo::ModelOptions options;
    options.strategy = racedemo::Strategy::explore;
    options.reduction = reduction;
    options.preemption_bound = preemption_bound;
    options.budget = 50'000'000;
    racedemo::TrialConfig config;
    config.threads = static_cast<int>(program.threads.size());
    config.model = true;
    return racedemo::run_model(program_scenario(), racedemo::Variant::fixed, config, options);
}

}  // namespace testprog
