#include "engine/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <new>

#include "engine/model.hpp"

namespace racedemo {

namespace {

std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

// The guard page of every mapped stack, for the crash handler to tell an overflow from another
// fault: fixed slots of atomics, so that a signal handler can read them.
constexpr std::size_t kGuardSlots = 1024;
std::array<std::atomic<std::uintptr_t>, kGuardSlots> guard_pages{};

void remember_guard_page(void* page) {
    const auto address = reinterpret_cast<std::uintptr_t>(page);
    for (auto& slot : guard_pages) {
        std::uintptr_t empty = 0;
        if (slot.compare_exchange_strong(empty, address)) return;
    }
    // All slots taken: an overflow into this page is still a SIGSEGV, reported without its cause.
}

void forget_guard_page(void* page) {
    for (auto& slot : guard_pages) {
        auto address = reinterpret_cast<std::uintptr_t>(page);
        if (slot.compare_exchange_strong(address, 0)) return;
    }
}

}  // namespace

bool in_fiber_guard_page(const void* address) {
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    for (const auto& slot : guard_pages) {
        const std::uintptr_t start = slot.load(std::memory_order_relaxed);
        // page_size() was set when this page was mapped: no first call from a signal handler.
        if (start != 0 && at >= start && at < start + page_size()) return true;
    }
    return false;
}

bool is_fiber_stack_overflow(const void* address) {
    return in_fiber_guard_page(address);
}

StackPool::~StackPool() {
    for (void* mapping : free_) {
        forget_guard_page(mapping);
        ::munmap(mapping, page_size() + fiber_stack_size);
    }
}

// A stack is a mapping whose lowest page is inaccessible: a thread that overflows its stack
// faults there (and the crash guard says so) instead of writing over the memory below it.
boost::context::stack_context StackPool::allocate() {
    void* mapping = nullptr;
    if (free_.empty()) {
        mapping = ::mmap(nullptr, page_size() + fiber_stack_size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (mapping == MAP_FAILED) throw std::bad_alloc();
        if (::mprotect(mapping, page_size(), PROT_NONE) != 0) {
            ::munmap(mapping, page_size() + fiber_stack_size);
            throw std::bad_alloc();
        }
        remember_guard_page(mapping);
    } else {
        mapping = free_.back();
        free_.pop_back();
    }
    char* bottom = static_cast<char*>(mapping) + page_size();
    boost::context::stack_context stack;
    stack.size = fiber_stack_size;
    stack.sp = bottom + fiber_stack_size;
    last_allocated_ = bottom;
    return stack;
}

void StackPool::deallocate(boost::context::stack_context& stack) {
    free_.push_back(static_cast<char*>(stack.sp) - stack.size - page_size());
}

void StackPool::reclaim(const void* bottom) {
    if (bottom == nullptr) return;
    free_.push_back(const_cast<char*>(static_cast<const char*>(bottom)) - page_size());
}

}  // namespace racedemo
