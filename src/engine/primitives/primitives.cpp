#include "engine/primitives/primitives.hpp"

namespace racedemo {
namespace {

// One of each, made before main: primitive_of is asked once an object, at registration.
const CellRules cell_rules;
const MutexRules mutex_rules;
const RWLockRules writer_first_rules(true);
const RWLockRules readers_first_rules(false);
const ChannelRules channel_rules;

}  // namespace

const Primitive& primitive_of(ObjectKind kind) {
    switch (kind) {
        case ObjectKind::cell:
            return cell_rules;
        case ObjectKind::mutex:
            return mutex_rules;
        case ObjectKind::rw_lock:
            return writer_first_rules;
        case ObjectKind::rw_lock_readers_first:
            return readers_first_rules;
        case ObjectKind::channel:
            return channel_rules;
    }
    return cell_rules;
}

}  // namespace racedemo
