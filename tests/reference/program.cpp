// The outcome label, the corruption predicate and the readable listing of a Program.
#include "program.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace testprog {

namespace program_detail {

std::string join(const std::vector<int>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) text += ',';
        text += std::to_string(values[i]);
    }
    return text;
}

std::string expr_text(const Expr& expr) {
    if (expr.reg < 0) return std::to_string(expr.constant);
    std::string text = "r" + std::to_string(expr.reg);
    if (expr.constant > 0) text += "+" + std::to_string(expr.constant);
    if (expr.constant < 0) text += std::to_string(expr.constant);
    return text;
}

std::string instr_text(const Instr& in) {
    const std::string cell = "c" + std::to_string(in.object);
    const std::string mutex = "m" + std::to_string(in.object);
    const std::string rwlock = "rw" + std::to_string(in.object);
    const std::string channel = "ch" + std::to_string(in.object);
    const std::string reg = "r" + std::to_string(in.reg);
    switch (in.kind) {
        case Kind::read:
            return "read " + cell + " -> " + reg;
        case Kind::write:
            return "write " + cell + " <- " + expr_text(in.value);
        case Kind::cas:
            return "cas " + cell + " (" + std::to_string(in.expected) + ", " + expr_text(in.value) +
                   ") -> " + reg;
        case Kind::lock:
            return "lock " + mutex;
        case Kind::unlock:
            return "unlock " + mutex;
        case Kind::rlock:
            return "rlock " + rwlock;
        case Kind::runlock:
            return "runlock " + rwlock;
        case Kind::wlock:
            return "wlock " + rwlock;
        case Kind::wunlock:
            return "wunlock " + rwlock;
        case Kind::send:
            return "send " + channel + " <- " + expr_text(in.value);
        case Kind::recv:
            return "recv " + channel + " -> " + reg;
        case Kind::close:
            return "close " + channel;
        case Kind::jump_if:
            return "jump_if " + reg + " == " + std::to_string(in.expected) + " -> " +
                   std::to_string(in.target);
    }
    return "?";
}

std::string objects_text(const Program& program) {
    std::string text = "cells [" + join(program.cells) + "]";
    text += ", mutexes " + std::to_string(program.mutexes);
    text += ", registers " + std::to_string(program.registers);
    for (std::size_t i = 0; i < program.rwlocks.size(); ++i) {
        text += ", rw" + std::to_string(i);
        text += program.rwlocks[i].writer_preferring ? " writer-preferring" : " reader-preferring";
    }
    for (std::size_t i = 0; i < program.channels.size(); ++i) {
        const int capacity = program.channels[i].capacity;
        text += ", ch" + std::to_string(i);
        text += capacity == 0 ? " unbuffered" : " capacity " + std::to_string(capacity);
    }
    return text;
}

std::string corruption_text(const Program& program) {
    if (program.corrupt_when.empty()) return "never corrupt";
    std::string text = "corrupt when";
    for (std::size_t i = 0; i < program.corrupt_when.size(); ++i) {
        const Clause& clause = program.corrupt_when[i];
        text += i == 0 ? " " : " and ";
        if (clause.thread < 0) {
            text += "c" + std::to_string(clause.reg);
        } else {
            text += "T" + std::to_string(clause.thread + 1) + ".r" + std::to_string(clause.reg);
        }
        text += " == " + std::to_string(clause.value);
    }
    return text;
}

}  // namespace program_detail

std::string outcome_label(const std::vector<std::vector<int>>& registers,
                          const std::vector<int>& cells) {
    std::string label = "r ";
    for (std::size_t t = 0; t < registers.size(); ++t) {
        if (t > 0) label += " | ";
        label += program_detail::join(registers[t]);
    }
    return label + " ; c " + program_detail::join(cells);
}

bool is_corrupt(const Program& program, const std::vector<std::vector<int>>& registers,
                const std::vector<int>& cells) {
    if (program.corrupt_when.empty()) return false;
    for (const Clause& clause : program.corrupt_when) {
        // A clause naming a thread, register or cell that does not exist never holds.
        const std::size_t index = static_cast<std::size_t>(clause.reg);
        if (clause.reg < 0) return false;
        if (clause.thread < 0) {
            if (index >= cells.size() || cells[index] != clause.value) return false;
            continue;
        }
        const std::size_t thread = static_cast<std::size_t>(clause.thread);
        if (thread >= registers.size() || index >= registers[thread].size()) return false;
        if (registers[thread][index] != clause.value) return false;
    }
    return true;
}

// Threads are numbered from 1 here (T1, T2...), as people count them; instruction indices (the
// targets of jump_if) from 0.
std::string describe(const Program& program) {
    std::string text = program.name + ": " + program_detail::objects_text(program) + "\n";
    for (std::size_t t = 0; t < program.threads.size(); ++t) {
        text += "  T" + std::to_string(t + 1) + ":";
        const std::vector<Instr>& code = program.threads[t];
        for (std::size_t i = 0; i < code.size(); ++i) {
            text += (i == 0 ? " " : "; ") + std::to_string(i) + ": ";
            text += program_detail::instr_text(code[i]);
        }
        text += "\n";
    }
    return text + "  " + program_detail::corruption_text(program) + "\n";
}

}  // namespace testprog
