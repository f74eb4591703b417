// One name table per enum that a person or a program reads: the command line parses these names
// (cli/parse.cpp), the JSON writes them, the help lists them, and fmt prints them. Adding a value
// is one row here.
#pragma once

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string_view>

#include "core/misuse.hpp"
#include "core/model_types.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

enum class Mode { real, model };

// A run's conclusion. no_bug_found: a model search or a real run that was cut (by its budget,
// its bound, an interrupt or --max-time) before it covered everything, and found nothing: never
// to be called clean.
// deadlocked: a model run in which no thread could move while some had not finished; real
// runs of which some were stopped on a cycle of lock waits (and none went otherwise wrong).
// hung: real runs of which some gave no result before the timeout, and none showed damage or
// deadlocked: no corruption was seen, so none is claimed.
// step_bound: a model execution reached the step bound (a spin loop that nothing ends?) and
// none corrupted or deadlocked: the search stopped there, so nothing else is claimed.
// misuse: a primitive was used against its rules (core/misuse.hpp): what follows it is undefined,
// so it comes before every other verdict.
enum class Verdict { corrupted, deadlocked, clean, no_bug_found, hung, step_bound, misuse };

template <class E>
struct Named {
    E value;
    std::string_view name;
};

// Names<E>::table: every value of E with its one name.
template <class E>
struct Names;

template <>
struct Names<Variant> {
    static constexpr std::array<Named<Variant>, 2> table{
        {{Variant::unsafe, "unsafe"}, {Variant::fixed, "fixed"}}};
};
template <>
struct Names<Mode> {
    static constexpr std::array<Named<Mode>, 2> table{
        {{Mode::real, "real"}, {Mode::model, "model"}}};
};
template <>
struct Names<Strategy> {
    static constexpr std::array<Named<Strategy>, 4> table{{{Strategy::random, "random"},
                                                           {Strategy::pct, "pct"},
                                                           {Strategy::explore, "explore"},
                                                           {Strategy::replay, "replay"}}};
};
template <>
struct Names<Reduction> {
    static constexpr std::array<Named<Reduction>, 4> table{{{Reduction::automatic, "auto"},
                                                            {Reduction::none, "none"},
                                                            {Reduction::dpor, "dpor"},
                                                            {Reduction::reads_from, "reads-from"}}};
};
template <>
struct Names<RWPolicy> {
    static constexpr std::array<Named<RWPolicy>, 2> table{
        {{RWPolicy::writer_preferring, "writer-preferring"},
         {RWPolicy::reader_preferring, "reader-preferring"}}};
};

template <>
struct Names<Verdict> {
    static constexpr std::array<Named<Verdict>, 7> table{{{Verdict::corrupted, "corrupted"},
                                                          {Verdict::deadlocked, "deadlocked"},
                                                          {Verdict::clean, "clean"},
                                                          {Verdict::no_bug_found, "no-bug-found"},
                                                          {Verdict::hung, "hung"},
                                                          {Verdict::step_bound, "step-bound"},
                                                          {Verdict::misuse, "misuse"}}};
};
template <>
struct Names<MisuseKind> {
    static constexpr std::array<Named<MisuseKind>, 6> table{
        {{MisuseKind::unlock_free, "unlock-of-a-free-lock"},
         {MisuseKind::unlock_other, "unlock-by-a-non-holder"},
         {MisuseKind::unlock_shared_unheld, "unlock-shared-without-a-read-lock"},
         {MisuseKind::close_closed, "close-of-a-closed-channel"},
         {MisuseKind::send_closed, "send-on-a-closed-channel"},
         {MisuseKind::bypass, "peek-or-poke-inside-a-thread"}}};
};

template <class E>
constexpr std::string_view name_of(E value) {
    for (const Named<E>& named : Names<E>::table)
        if (named.value == value) return named.name;
    return "?";
}

template <class E>
constexpr std::optional<E> value_named(std::string_view name) {
    for (const Named<E>& named : Names<E>::table)
        if (named.name == name) return named.value;
    return std::nullopt;
}

// fmt prints a named enum by its name.
template <class E>
concept NamedEnum = requires {
    Names<E>::table;
};

}  // namespace racedemo

template <racedemo::NamedEnum E>
struct fmt::formatter<E> : fmt::formatter<std::string_view> {
    auto format(E value, format_context& context) const {
        return fmt::formatter<std::string_view>::format(racedemo::name_of(value), context);
    }
};
