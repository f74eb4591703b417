#include "engine/primitives/primitives.hpp"

namespace racedemo {

const Primitive& primitive_of(ObjectKind kind) {
    static const CellRules cell;
    static const MutexRules mutex;
    static const RWLockRules writer_first(true);
    static const RWLockRules readers_first(false);
    static const ChannelRules channel;
    switch (kind) {
        case ObjectKind::cell:
            return cell;
        case ObjectKind::mutex:
            return mutex;
        case ObjectKind::rw_lock:
            return writer_first;
        case ObjectKind::rw_lock_readers_first:
            return readers_first;
        case ObjectKind::channel:
            return channel;
    }
    return cell;
}

}  // namespace racedemo
