// Fiber stacks, recycled: allocating them afresh for every execution would cost more than the
// steps themselves. Each has a guard page below it. Also the AddressSanitizer annotations for
// moving between stacks.
#pragma once

#include <boost/context/fiber.hpp>
#include <cstddef>
#include <vector>

#include "core/sanitizers.hpp"
#include "engine/model.hpp"

#if defined(RACEDEMO_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace racedemo {

// Scenario code, fmt and the scheduler itself run on these stacks; sanitizers need the room.
constexpr std::size_t fiber_stack_size = model_thread_stack_bytes;

class StackPool {
  public:
    StackPool() = default;
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;
    ~StackPool();

    // At most `stacks` are ever in use at once, so deallocate() never has to grow the list.
    void reserve(std::size_t stacks) { free_.reserve(stacks); }
    boost::context::stack_context allocate();
    void deallocate(boost::context::stack_context& stack);  // never throws: room is reserved
    // Takes back the stack whose lowest usable address is `bottom`, of a fiber given up without
    // being destroyed (nothing will run on it again).
    void reclaim(const void* bottom);
    // The lowest usable address of the stack the latest fiber got, for the sanitizer.
    const void* last_allocated() const { return last_allocated_; }

  private:
    std::vector<void*> free_;
    const void* last_allocated_ = nullptr;
};

// Whether `address` is in the guard page of a fiber stack: a fault there is a stack overflow.
// Async-signal-safe, for the crash handler.
bool in_fiber_guard_page(const void* address);

// The stack allocator a fiber keeps inside its own stack: a handle on the pool.
struct PooledStack {
    StackPool* pool;
    boost::context::stack_context allocate() { return pool->allocate(); }
    void deallocate(boost::context::stack_context& stack) { pool->deallocate(stack); }
};

// AddressSanitizer has to be told when execution moves to another stack (no-ops otherwise,
// inline so that a switch pays nothing for them).
inline void start_stack_switch(void** fake_stack, const void* bottom, std::size_t size) {
#if defined(RACEDEMO_ASAN)
    __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
    (void)fake_stack, (void)bottom, (void)size;
#endif
}
inline void finish_stack_switch(void* fake_stack, const void** bottom, std::size_t* size) {
#if defined(RACEDEMO_ASAN)
    __sanitizer_finish_switch_fiber(fake_stack, bottom, size);
#else
    (void)fake_stack, (void)bottom, (void)size;
#endif
}

}  // namespace racedemo
