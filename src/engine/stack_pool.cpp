#include "engine/stack_pool.hpp"

#include <cstdlib>
#include <new>

namespace racedemo {

StackPool::~StackPool() {
    for (void* base : free_) std::free(base);
}

boost::context::stack_context StackPool::allocate() {
    void* base = nullptr;
    if (free_.empty()) {
        base = std::malloc(fiber_stack_size);
        if (base == nullptr) throw std::bad_alloc();
    } else {
        base = free_.back();
        free_.pop_back();
    }
    boost::context::stack_context stack;
    stack.size = fiber_stack_size;
    stack.sp = static_cast<char*>(base) + fiber_stack_size;
    last_allocated_ = base;
    return stack;
}

void StackPool::deallocate(boost::context::stack_context& stack) noexcept {
    free_.push_back(static_cast<char*>(stack.sp) - stack.size);
}

}  // namespace racedemo
