// Short constructors of testprog::Instr, for writing programs as data: ops::read(0, 1) is
// "read c0 -> r1". Call them qualified (ops::read), as their names are also POSIX functions'.
#pragma once

#include "program.hpp"

namespace reference::ops {

using testprog::Expr;
using testprog::Instr;
using testprog::Kind;

inline Expr constant(int value) {
    return {-1, value};
}
inline Expr reg_plus(int reg, int constant) {
    return {reg, constant};
}

inline Instr read(int cell, int reg) {
    return {Kind::read, cell, reg, {}, 0, 0};
}
inline Instr write(int cell, Expr value) {
    return {Kind::write, cell, 0, value, 0, 0};
}
inline Instr write(int cell, int value) {
    return write(cell, constant(value));
}
inline Instr cas(int cell, int expected, Expr value, int reg) {
    return {Kind::cas, cell, reg, value, expected, 0};
}
inline Instr lock(int mutex) {
    return {Kind::lock, mutex, 0, {}, 0, 0};
}
inline Instr unlock(int mutex) {
    return {Kind::unlock, mutex, 0, {}, 0, 0};
}
inline Instr rlock(int rwlock) {
    return {Kind::rlock, rwlock, 0, {}, 0, 0};
}
inline Instr runlock(int rwlock) {
    return {Kind::runlock, rwlock, 0, {}, 0, 0};
}
inline Instr wlock(int rwlock) {
    return {Kind::wlock, rwlock, 0, {}, 0, 0};
}
inline Instr wunlock(int rwlock) {
    return {Kind::wunlock, rwlock, 0, {}, 0, 0};
}
inline Instr send(int channel, Expr value) {
    return {Kind::send, channel, 0, value, 0, 0};
}
inline Instr send(int channel, int value) {
    return send(channel, constant(value));
}
inline Instr recv(int channel, int reg) {
    return {Kind::recv, channel, reg, {}, 0, 0};
}
inline Instr close(int channel) {
    return {Kind::close, channel, 0, {}, 0, 0};
}
// if reg == value: go to instruction `target` (the code's size: its end)
inline Instr jump_if(int reg, int value, int target) {
    return {Kind::jump_if, 0, reg, {}, value, target};
}

}  // namespace reference::ops
