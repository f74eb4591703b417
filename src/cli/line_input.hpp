// A student's answers, one a line, for the quiz and play: from a terminal, or from a pipe (then
// each answer is echoed after its prompt, so that the transcript reads as a dialogue).
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace racedemo {

class LineInput {
  public:
    LineInput(std::FILE* in, std::FILE* out);

    // Prints the prompt and reads one line, trimmed (and lower-cased when asked). Nothing when
    // the input has ended or a signal interrupted the wait; ended_by_signal() tells which.
    std::optional<std::string> read(std::string_view prompt, bool lower_case = false);
    bool ended_by_signal() const;
    // One line of the tool's own, between prompts ("please answer yes or no").
    void say(std::string_view text);
    // "the input ended" or "it was interrupted (SIGINT)": for the sentence that says why.
    std::string why_ended() const;

  private:
    int next_char();

    std::FILE* in_;
    std::FILE* out_;
    bool echo_;
    std::string buffered_;  // read from the descriptor, not yet taken
    std::size_t taken_ = 0;
};

}  // namespace racedemo
