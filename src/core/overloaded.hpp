// std::visit with one lambda per alternative: overloaded{[](const A&) {...}, [](const B&) {...}}.
#pragma once

namespace racedemo {

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace racedemo
