#include "engine/lock_order.hpp"

#include <algorithm>

namespace racedemo {

void LockOrderGraph::add(std::string first, std::string second, int thread) {
    edges_.try_emplace({std::move(first), std::move(second)}, thread);
}

std::vector<LockOrderInversion> LockOrderGraph::inversions() const {
    std::vector<LockOrderInversion> found = two_lock_cycles();
    if (found.empty()) found = one_longer_cycle();
    return found;
}

std::vector<LockOrderInversion> LockOrderGraph::two_lock_cycles() const {
    std::vector<LockOrderInversion> found;
    for (const auto& [edge, thread] : edges_) {
        const auto& [first, second] = edge;
        if (!(first < second)) continue;  // each pair once
        const auto back = edges_.find({second, first});
        if (back == edges_.end()) continue;
        found.push_back({{first, second}, {thread, back->second}});
    }
    return found;
}

// Depth-first: state 1 while a lock is on the path, 2 once everything after it is explored.
bool LockOrderGraph::find_cycle(const std::string& lock, std::vector<std::string>& path,
                                std::map<std::string, int>& state) const {
    state[lock] = 1;
    path.push_back(lock);
    for (auto edge = edges_.lower_bound({lock, std::string()});
         edge != edges_.end() && edge->first.first == lock; ++edge) {
        const std::string& next = edge->first.second;
        if (state[next] == 1) {
            path.erase(path.begin(), std::find(path.begin(), path.end(), next));
            return true;
        }
        if (state[next] == 0 && find_cycle(next, path, state)) return true;
    }
    state[lock] = 2;
    path.pop_back();
    return false;
}

std::vector<LockOrderInversion> LockOrderGraph::one_longer_cycle() const {
    std::map<std::string, int> state;
    for (const auto& [edge, thread] : edges_) {
        std::vector<std::string> path;
        if (state[edge.first] != 0 || !find_cycle(edge.first, path, state)) continue;
        LockOrderInversion cycle{path, {}};
        for (std::size_t i = 0; i < path.size(); ++i)
            cycle.threads.push_back(edges_.at({path[i], path[(i + 1) % path.size()]}));
        return {cycle};
    }
    return {};
}

}  // namespace racedemo
