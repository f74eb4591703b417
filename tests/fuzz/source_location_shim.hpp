// std::source_location for clang 14 with libstdc++ 12, in the fuzz build only (make fuzz).
//
// libstdc++'s <source_location> defines nothing unless the compiler has
// __builtin_source_location, which clang has from version 15 on; include/racedemo/scenario.hpp
// needs it. The top-level CMakeLists.txt force-includes this header (-include) when RACEDEMO_FUZZ
// is on and clang is older than 15: it supplies the same interface from the builtins clang 14 has.
// With a compiler that has the builtin, it is empty and the real header is used. current() is
// constexpr, not consteval: clang 14 rejects a consteval call as a default argument.
#pragma once

#if defined(__clang__) && !__has_builtin(__builtin_source_location)
#include <cstdint>

namespace std {

struct source_location {
    static constexpr source_location current(
        const char* file = __builtin_FILE(), const char* function = __builtin_FUNCTION(),
        std::uint_least32_t line = __builtin_LINE(),
        std::uint_least32_t column = __builtin_COLUMN()) noexcept {
        source_location where;
        where.file_ = file;
        where.function_ = function;
        where.line_ = line;
        where.column_ = column;
        return where;
    }
    constexpr source_location() noexcept = default;
    constexpr std::uint_least32_t line() const noexcept { return line_; }
    constexpr std::uint_least32_t column() const noexcept { return column_; }
    constexpr const char* file_name() const noexcept { return file_; }
    constexpr const char* function_name() const noexcept { return function_; }

  private:
    const char* file_ = "";
    const char* function_ = "";
    std::uint_least32_t line_ = 0;
    std::uint_least32_t column_ = 0;
};

}  // namespace std
#endif
