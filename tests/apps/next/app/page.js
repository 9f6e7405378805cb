// A server component: it imports apiless like any module, which must not break the build, and
// calling createClient here, where the server renders, must fail with a clear error, shown in
// #server (the check reads it in the HTML the server wrote). The job runs in <Job>, in the browser.
import { createClient } from "apiless";
import Job from "./job.js";

export default async function Page() {
  let server;
  try {
    await createClient({ region: "us-east-1", userPoolId: "us-east-1_AbC123", userPoolClientId: "client1" });
    server = "createClient worked on the server";
  } catch (e) {
    server = `${e.name}: ${e.message}`;
  }
  return (
    <main>
      <p id="server">{server}</p>
      <Job />
    </main>
  );
}
