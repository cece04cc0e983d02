// The seed's socket worker: answers each connection the parent passes with its priority (argv[2]).
process.on('message', (m, socket) => {
  if (m === 'socket' && socket) socket.end(`Request handled with ${process.argv[2]} priority`);
});
