// The cpl command. The language runtime (expansion, plan, executor) has not landed yet;
// until it does, the command says so plainly instead of pretending to run scripts.
import Glibc

let message = "cpl: the language runtime is not built yet (issue 4); use the ChildProcess library meanwhile\n"
_ = message.withCString { write(2, $0, strlen($0)) }
exit(2)
