// The seed's worker: answers every message with its upper-case form.
process.on('message', (m) => process.send(m.toUpperCase()));
