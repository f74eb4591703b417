# bash completion for racedemo: commands, scenario names (plugins' too: those of
# RACEDEMO_PLUGIN_PATH, and of a --plugin on the line), and each command's options and choices.
# racedemo itself answers (racedemo complete WORDS...), so the completion is never out of date.
_racedemo() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        --plugin | --html | --dir)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
    esac
    local words
    words=$("${COMP_WORDS[0]}" complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _racedemo racedemo
