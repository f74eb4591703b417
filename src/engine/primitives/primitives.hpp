// The primitives' rule classes (primitive.hpp), one header and one source each in this folder.
#pragma once

#include "engine/primitives/cell.hpp"
#include "engine/primitives/channel.hpp"
#include "engine/primitives/mutex.hpp"
#include "engine/primitives/rw_lock.hpp"
