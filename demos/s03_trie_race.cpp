// 03 trie-race: concurrent inserts into one trie lose a whole branch.
//
// What races: Insert reads "does the root have a child for 'g'?", and if not, makes one and
// links it in. Two inserts ("go" and "git") can both see no child, both make one, and the
// second link overwrites the first: the key under the overwritten node is gone.
//
//   racedemo trie-race --threads 8            unsafe: CORRUPTED, lost key "..." (histogram)
//   racedemo trie-race --fixed --threads 8    a mutex around Insert: CLEAN, every key present
//   racedemo trie-race --mode model --explore the shortest schedule that loses a key
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::Shared;

// A node costs one allocation and formats nothing: its 26 links and its end flag are named by
// pattern ("n3['g']"), and the name is made only if a trace shows the cell.
struct Node {
    explicit Node(int id)
        : id(id),
          children(make_links(id, std::make_index_sequence<26>())),
          end(id == 0 ? racedemo::ObjectName("root.end")
                      : racedemo::ObjectName::indexed("n{}.end", id),
              false) {}
    Shared<Node*>& child(char letter) { return children[static_cast<std::size_t>(letter - 'a')]; }

    int id;
    std::array<Shared<Node*>, 26> children;  // one link per letter
    Shared<bool> end;

  private:
    // "n3['g']": how a trace names the link for `letter`.
    static racedemo::ObjectName link_name(int id, char letter) {
        if (id == 0) return racedemo::ObjectName::indexed("root['{:c}']", letter);
        return racedemo::ObjectName::indexed("n{}['{:c}']", id, letter);
    }
    template <std::size_t... Letter>
    static std::array<Shared<Node*>, 26> make_links(int id, std::index_sequence<Letter...>) {
        return {{Shared<Node*>(link_name(id, static_cast<char>('a' + Letter)), nullptr)...}};
    }
};

}  // namespace

// A link shows as the node it points to, the way the lesson draws it.
template <>
struct racedemo::ShowValue<Node*> {
    static std::string show(Node* node) {
        if (node == nullptr) return "nil";
        return node->id == 0 ? "root" : fmt::format("n{}", node->id);
    }
};

namespace {

// The trie of the lesson. `Lock` is the only difference between the variants:
// NoLock for the unsafe one, a Mutex for the fixed one.
// lesson:begin
template <class Lock>
class Trie {
  public:
    explicit Trie(std::size_t max_nodes) : nodes_(max_nodes + 1) { root_ = new_node(); }

    void Insert(std::string_view key) {
        std::lock_guard guard(mx_);
        Node* node = root_;
        for (char letter : key) {
            Node* next = node->child(letter).load();
            if (next == nullptr) {
                // The window: another insert can run between the check above and the link below.
                next = new_node();
                node->child(letter).store(next);
            }
            node = next;
        }
        node->end.store(true);
    }
    // lesson:end

    bool Contains(std::string_view key) {
        std::lock_guard guard(mx_);
        Node* node = root_;
        for (char letter : key) {
            node = node->child(letter).load();
            if (node == nullptr) return false;
        }
        return node->end.load();
    }

    // Back to an empty trie, for the model's next execution. The nodes stay built, emptied:
    // new_node() hands them out again, cheaper than building 27 cells each.
    void Reset() {
        for (int id = 0; id < next_id_.load(std::memory_order_relaxed); ++id) {
            Node& node = *nodes_[static_cast<std::size_t>(id)];
            for (Shared<Node*>& link : node.children) link.poke(nullptr);
            node.end.poke(false);
        }
        next_id_.store(1, std::memory_order_relaxed);  // the root stays
    }

  private:
    // Nodes are owned by the trie, so a lost branch is unreachable but not leaked. Their room is
    // taken in one block up front: the model builds a trie for every schedule it runs.
    Node* new_node() {
        int id = next_id_.fetch_add(1, std::memory_order_relaxed);
        std::optional<Node>& node = nodes_[static_cast<std::size_t>(id)];
        return node ? &*node : &node.emplace(id);
    }

    // lesson:begin
    Lock mx_{"mx"};
    // lesson:end
    Node* root_ = nullptr;
    std::atomic<int> next_id_{0};
    std::vector<std::optional<Node>> nodes_;  // never resized: nodes do not move
};

// Thread t inserts its own word; all start with 'g' so that they race for root['g'].
std::string word_for(int thread) {
    static constexpr std::array<const char*, 8> words = {"go",  "git", "gopher", "gin",
                                                         "gob", "gap", "golang", "gist"};
    std::string word = words[static_cast<std::size_t>(thread) % words.size()];
    for (int round = thread / static_cast<int>(words.size()); round > 0; round /= 26)
        word += static_cast<char>('a' + (round - 1) % 26);
    return word;
}

template <class Lock>
class TrieTrial final : public racedemo::Trial {
  public:
    explicit TrieTrial(const racedemo::TrialConfig& config)
        : words_(make_words(config.threads)), trie_(node_budget(words_)) {}

    void actor(int thread) override {
        const std::string& word = words_[static_cast<std::size_t>(thread)];
        racedemo::note("insert(\"{}\")", word);
        trie_.Insert(word);
    }

    bool reset() override {
        trie_.Reset();
        return true;
    }

    racedemo::Outcome arbiter() override {
        std::size_t lost = 0;
        for (const std::string& word : words_) lost += !trie_.Contains(word);
        if (lost == 0) return racedemo::Outcome::clean();
        const char* plural = lost == 1 ? "" : "s";
        std::string label = lost == 1 ? "lost 1 key" : fmt::format("lost {} keys", lost);
        return racedemo::Outcome::corrupt(std::move(label), [&] {
            std::vector<std::string> missing;
            for (const std::string& word : words_)
                if (!trie_.Contains(word)) missing.push_back(fmt::format("\"{}\"", word));
            return fmt::format("lost key{} {} of {} inserted", plural, fmt::join(missing, ", "),
                               words_.size());
        });
    }

  private:
    static std::vector<std::string> make_words(int threads) {
        std::vector<std::string> words;
        for (int thread = 0; thread < threads; ++thread) words.push_back(word_for(thread));
        return words;
    }
    static std::size_t node_budget(const std::vector<std::string>& words) {
        std::size_t letters = 0;
        for (const std::string& word : words) letters += word.size();
        return letters;
    }

    std::vector<std::string> words_;
    Trie<Lock> trie_;
};

}  // namespace

RACEDEMO_SCENARIO({
    .number = 3,
    .name = "trie-race",
    .summary = "concurrent inserts into a trie lose a whole branch",
    .lesson = R"(Insert walks the key letter by letter. At each letter it asks whether the
current node already has a child for it and, when it does not, makes a new node and links it
in. Asking and linking are two separate steps. Between them another thread can ask the same
question, get the same answer ("no child for 'g'") and link its own node. Whichever link is
written last wins; the node linked first, and every key below it, is no longer reachable from
the root. Nothing crashes: the keys are simply gone.

The fix is to make the whole walk one critical section: take a mutex at the start of Insert
(and of every read of the trie) and release it at the end, so that no second thread can
look at a half-linked node.)",
    .takeaway =
        "check-then-act on shared state is a race; hold one lock across the check and the act",
    .terms = {"check-then-act", "nil", "interleaving", "partial-order reduction"},
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 4000,
    .unsafe = racedemo::make_trial<TrieTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<TrieTrial<racedemo::Mutex>>,
});
