#include "real/step_noise.hpp"

#include <chrono>
#include <thread>

namespace racedemo {

void StepNoise::configure(const NoiseSettings& settings, std::uint64_t seed) {
    one_in_ = settings.on && settings.one_in > 0 ? static_cast<std::uint64_t>(settings.one_in) : 0;
    longest_pause_us_ = static_cast<std::uint64_t>(settings.longest_pause_us);
    state_ = seed | 1;  // xorshift's state must not be 0
}

std::uint64_t StepNoise::next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
}

void StepNoise::perturb() {
    if (next() % 3 == 0)
        std::this_thread::yield();
    else
        pause(next() % 2 == 0);
}

void StepNoise::pause(bool sleep) {
    const std::chrono::microseconds length(
        static_cast<long>(longest_pause_us_ == 0 ? 0 : next() % longest_pause_us_ + 1));
    if (sleep) return std::this_thread::sleep_for(length);
    const auto until = std::chrono::steady_clock::now() + length;
    while (std::chrono::steady_clock::now() < until) {
    }
}

}  // namespace racedemo
