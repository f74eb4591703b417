#include "core/go_listings.hpp"

#include <span>

namespace racedemo {
namespace {

// Set once, by the generated file's static initialiser (before main).
std::span<const GoListing>& listings() {
    static std::span<const GoListing> all;
    return all;
}

}  // namespace

const GoListing* find_go_listing(const Scenario& scenario, Variant variant) {
    // Only racedemo's own scenarios have one: a plugin's has none, whatever its name.
    if (!scenario.origin.empty()) return nullptr;
    for (const GoListing& listing : listings())
        if (listing.scenario == scenario.name && listing.variant == variant) return &listing;
    return nullptr;
}

BuiltinGoListings::BuiltinGoListings(const GoListing* first, int count) {
    listings() = std::span<const GoListing>(first, static_cast<std::size_t>(count));
}

}  // namespace racedemo
