<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>ActivityPanel</name>
        <message>
            <source>Live activity</source>
            <translation>Live activity</translation>
        </message>
        <message>
            <source>Online users</source>
            <translation>Online users</translation>
        </message>
        <message>
            <source>Active sessions</source>
            <translation>Active sessions</translation>
        </message>
        <message>
            <source>Bookings (24 h)</source>
            <translation>Bookings (24 h)</translation>
        </message>
        <message>
            <source>On duty now</source>
            <translation>On duty now</translation>
        </message>
        <message>
            <source>{label}: {names}</source>
            <translation>{label}: {names}</translation>
        </message>
        <message>
            <source>{heading}: {figures}</source>
            <translation>{heading}: {figures}</translation>
        </message>
    </context>
    <context>
        <name>Away</name>
        <message>
            <source>You were Away while your screen was locked, {span}.</source>
            <translation>You were Away while your screen was locked, {span}.</translation>
        </message>
        <message>
            <source>You were Away while your computer was asleep, {span}.</source>
            <translation>You were Away while your computer was asleep, {span}.</translation>
        </message>
        <message>
            <source>Pick another duty from the tray menu's On duty.</source>
            <translation>Pick another duty from the tray menu's On duty.</translation>
        </message>
        <message>
            <source>You are Available again</source>
            <translation>You are Available again</translation>
        </message>
    </context>
    <context>
        <name>BookingsChart</name>
        <message>
            <source>Bookings</source>
            <translation>Bookings</translation>
        </message>
        <message>
            <source>Bookings per hour, last 24 h</source>
            <translation>Bookings per hour, last 24 h</translation>
        </message>
        <message>
            <source>{total} bookings in the last 24 h; the busiest hour {hour}:00 with {most}; {now} in the last hour</source>
            <translation>{total} bookings in the last 24 h; the busiest hour {hour}:00 with {most}; {now} in the last hour</translation>
        </message>
    </context>
    <context>
        <name>Claims</name>
        <message>
            <source>now</source>
            <translation>now</translation>
        </message>
        <message numerus="yes">
            <source>%n min</source>
            <translation>
                <numerusform>%n min</numerusform>
                <numerusform>%n min</numerusform>
            </translation>
        </message>
        <message>
            <source>You</source>
            <translation>You</translation>
        </message>
        <message>
            <source>Taken by {name} · {age}</source>
            <translation>Taken by {name} · {age}</translation>
        </message>
        <message>
            <source>{name} has it · {age}</source>
            <translation>{name} has it · {age}</translation>
        </message>
        <message>
            <source>You have it</source>
            <translation>You have it</translation>
        </message>
        <message>
            <source>Taken by {name}</source>
            <translation>Taken by {name}</translation>
        </message>
        <message>
            <source>{name} claimed {time}</source>
            <translation>{name} claimed {time}</translation>
        </message>
        <message>
            <source>released {time}</source>
            <translation>released {time}</translation>
        </message>
        <message>
            <source>{name} released {time}</source>
            <translation>{name} released {time}</translation>
        </message>
        <message>
            <source>{name} gave it to {to} {time}</source>
            <translation>{name} gave it to {to} {time}</translation>
        </message>
        <message>
            <source>Former admin</source>
            <translation>Former admin</translation>
        </message>
        <message>
            <source>Still yours: {title}</source>
            <translation>Still yours: {title}</translation>
        </message>
        <message>
            <source>You claimed it {age} ago and it is not resolved yet.</source>
            <translation>You claimed it {age} ago and it is not resolved yet.</translation>
        </message>
        <message>
            <source>Still open: {title}</source>
            <translation>Still open: {title}</translation>
        </message>
        <message>
            <source>{name} claimed it {age} ago and it is not resolved yet.</source>
            <translation>{name} claimed it {age} ago and it is not resolved yet.</translation>
        </message>
        <message>
            <source>Nobody has claimed: {title}</source>
            <translation>Nobody has claimed: {title}</translation>
        </message>
        <message numerus="yes">
            <source>Urgent and unclaimed for %n min.</source>
            <translation>
                <numerusform>Urgent and unclaimed for %n min.</numerusform>
                <numerusform>Urgent and unclaimed for %n min.</numerusform>
            </translation>
        </message>
        <message>
            <source>{name} · away</source>
            <translation>{name} · away</translation>
        </message>
        <message>
            <source>{name} · off duty</source>
            <translation>{name} · off duty</translation>
        </message>
        <message>
            <source>Not given: this item no longer exists.</source>
            <translation>Not given: this item no longer exists.</translation>
        </message>
        <message>
            <source>Not given: {name} is no longer an admin.</source>
            <translation>Not given: {name} is no longer an admin.</translation>
        </message>
        <message>
            <source>Not given: this project asks for your authenticator code. Sign in again with it, then try again.</source>
            <translation>Not given: this project asks for your authenticator code. Sign in again with it, then try again.</translation>
        </message>
        <message>
            <source>Not given: this account is no longer an admin.</source>
            <translation>Not given: this account is no longer an admin.</translation>
        </message>
        <message>
            <source>Not given to {name}: the server could not be reached or failed. Try again in a moment.</source>
            <translation>Not given to {name}: the server could not be reached or failed. Try again in a moment.</translation>
        </message>
    </context>
    <context>
        <name>DemoBackend</name>
        <message>
            <source>The demo backend did not start (exit code {code}).</source>
            <translation>The demo backend did not start (exit code {code}).</translation>
        </message>
    </context>
    <context>
        <name>DesktopApp</name>
        <message>
            <source>Your saved settings could not be read, so LIA Desktop starts as on a first run. The old file was kept next to the new one, and the log says what was wrong with it.</source>
            <translation>Your saved settings could not be read, so LIA Desktop starts as on a first run. The old file was kept next to the new one, and the log says what was wrong with it.</translation>
        </message>
        <message>
            <source>Signed out on this computer, but the server could not be told: that session stays valid there until it expires or is revoked.</source>
            <translation>Signed out on this computer, but the server could not be told: that session stays valid there until it expires or is revoked.</translation>
        </message>
        <message>
            <source>The saved sign-in could not be removed from the system keyring.</source>
            <translation>The saved sign-in could not be removed from the system keyring.</translation>
        </message>
        <message>
            <source>LIA Desktop could not start:</source>
            <translation>LIA Desktop could not start:</translation>
        </message>
    </context>
    <context>
        <name>Duty</name>
        <message>
            <source>Not known while not connected</source>
            <translation>Not known while not connected</translation>
        </message>
        <message>
            <source>Nobody</source>
            <translation>Nobody</translation>
        </message>
        <message>
            <source>{name} (away)</source>
            <translation>{name} (away)</translation>
        </message>
        <message>
            <source>On duty: not known while not connected</source>
            <translation>On duty: not known while not connected</translation>
        </message>
        <message>
            <source>Nobody is on duty</source>
            <translation>Nobody is on duty</translation>
        </message>
        <message>
            <source>On duty: {names}</source>
            <translation>On duty: {names}</translation>
        </message>
    </context>
    <context>
        <name>FallbackWindow</name>
        <message>
            <source>No system tray was found on this desktop, so LIA Admin keeps this small window open instead.</source>
            <translation>No system tray was found on this desktop, so LIA Admin keeps this small window open instead.</translation>
        </message>
        <message>
            <source>Notifications</source>
            <translation>Notifications</translation>
        </message>
        <message>
            <source>Stats</source>
            <translation>Stats</translation>
        </message>
        <message>
            <source>More</source>
            <translation>More</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>new vs previous 24 h</source>
            <translation>new vs previous 24 h</translation>
        </message>
        <message>
            <source>new vs last month</source>
            <translation>new vs last month</translation>
        </message>
        <message>
            <source>.</source>
            <comment>decimal separator</comment>
            <translation>.</translation>
        </message>
        <message>
            <source>{percent}% vs previous 24 h</source>
            <translation>{percent}% vs previous 24 h</translation>
        </message>
        <message>
            <source>{percent}% vs last month</source>
            <translation>{percent}% vs last month</translation>
        </message>
        <message>
            <source>Jan</source>
            <comment>short month</comment>
            <translation>Jan</translation>
        </message>
        <message>
            <source>Feb</source>
            <comment>short month</comment>
            <translation>Feb</translation>
        </message>
        <message>
            <source>Mar</source>
            <comment>short month</comment>
            <translation>Mar</translation>
        </message>
        <message>
            <source>Apr</source>
            <comment>short month</comment>
            <translation>Apr</translation>
        </message>
        <message>
            <source>May</source>
            <comment>short month</comment>
            <translation>May</translation>
        </message>
        <message>
            <source>Jun</source>
            <comment>short month</comment>
            <translation>Jun</translation>
        </message>
        <message>
            <source>Jul</source>
            <comment>short month</comment>
            <translation>Jul</translation>
        </message>
        <message>
            <source>Aug</source>
            <comment>short month</comment>
            <translation>Aug</translation>
        </message>
        <message>
            <source>Sep</source>
            <comment>short month</comment>
            <translation>Sep</translation>
        </message>
        <message>
            <source>Oct</source>
            <comment>short month</comment>
            <translation>Oct</translation>
        </message>
        <message>
            <source>Nov</source>
            <comment>short month</comment>
            <translation>Nov</translation>
        </message>
        <message>
            <source>Dec</source>
            <comment>short month</comment>
            <translation>Dec</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>just now</translation>
        </message>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation>
                <numerusform>%n min ago</numerusform>
                <numerusform>%n min ago</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n h ago</source>
            <translation>
                <numerusform>%n h ago</numerusform>
                <numerusform>%n h ago</numerusform>
            </translation>
        </message>
        <message>
            <source>yesterday</source>
            <translation>yesterday</translation>
        </message>
        <message numerus="yes">
            <source>%n d ago</source>
            <translation>
                <numerusform>%n d ago</numerusform>
                <numerusform>%n d ago</numerusform>
            </translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>Connecting</translation>
        </message>
        <message>
            <source>Live</source>
            <translation>Live</translation>
        </message>
        <message>
            <source>Reconnecting</source>
            <translation>Reconnecting</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>Offline</translation>
        </message>
        <message>
            <source>Session expired</source>
            <translation>Session expired</translation>
        </message>
        <message>
            <source>Signed out</source>
            <translation>Signed out</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>Error</translation>
        </message>
        <message>
            <source>{phase} (attempt {attempt}, next in {seconds} s)</source>
            <translation>{phase} (attempt {attempt}, next in {seconds} s)</translation>
        </message>
        <message>
            <source>{phase}: {problem}</source>
            <translation>{phase}: {problem}</translation>
        </message>
        <message>
            <source>until {time}</source>
            <translation>until {time}</translation>
        </message>
        <message>
            <source>until tomorrow {time}</source>
            <translation>until tomorrow {time}</translation>
        </message>
        <message>
            <source>until {date}</source>
            <translation>until {date}</translation>
        </message>
        <message numerus="yes">
            <source>LIA Admin — %n unread — {state}</source>
            <translation>
                <numerusform>LIA Admin — %n unread — {state}</numerusform>
                <numerusform>LIA Admin — %n unread — {state}</numerusform>
            </translation>
        </message>
        <message>
            <source> — Do not disturb {until}</source>
            <translation> — Do not disturb {until}</translation>
        </message>
    </context>
    <context>
        <name>Notification</name>
        <message>
            <source>New booking</source>
            <translation>New booking</translation>
        </message>
        <message>
            <source>Booking cancelled</source>
            <translation>Booking cancelled</translation>
        </message>
        <message>
            <source>New dispute</source>
            <translation>New dispute</translation>
        </message>
        <message>
            <source>Dispute escalated</source>
            <translation>Dispute escalated</translation>
        </message>
        <message>
            <source>New professional</source>
            <translation>New professional</translation>
        </message>
        <message>
            <source>New professional application</source>
            <translation>New professional application</translation>
        </message>
        <message>
            <source>Low rating</source>
            <translation>Low rating</translation>
        </message>
        <message>
            <source>New review</source>
            <translation>New review</translation>
        </message>
        <message>
            <source>New sign-up</source>
            <translation>New sign-up</translation>
        </message>
        <message>
            <source>pending</source>
            <comment>professional status</comment>
            <translation>pending</translation>
        </message>
        <message>
            <source>approved</source>
            <comment>professional status</comment>
            <translation>approved</translation>
        </message>
        <message>
            <source>rejected</source>
            <comment>professional status</comment>
            <translation>rejected</translation>
        </message>
        <message>
            <source>suspended</source>
            <comment>professional status</comment>
            <translation>suspended</translation>
        </message>
        <message>
            <source>A customer</source>
            <translation>A customer</translation>
        </message>
        <message>
            <source>{customer} booked {service} · {price}</source>
            <translation>{customer} booked {service} · {price}</translation>
        </message>
        <message>
            <source>{customer} booked {service} with {professional} · {price}</source>
            <translation>{customer} booked {service} with {professional} · {price}</translation>
        </message>
        <message>
            <source>{service} with {professional}</source>
            <translation>{service} with {professional}</translation>
        </message>
        <message>
            <source>Booking #{booking} · {reason}</source>
            <translation>Booking #{booking} · {reason}</translation>
        </message>
        <message>
            <source>{name} applied as {specialty}</source>
            <translation>{name} applied as {specialty}</translation>
        </message>
        <message>
            <source>{name} added as {specialty} · {status}</source>
            <translation>{name} added as {specialty} · {status}</translation>
        </message>
        <message>
            <source>booking #{booking}</source>
            <translation>booking #{booking}</translation>
        </message>
        <message>
            <source>{rating}★ for {subject}</source>
            <translation>{rating}★ for {subject}</translation>
        </message>
    </context>
    <context>
        <name>NotificationCenter</name>
        <message>
            <source>Bookings</source>
            <translation>Bookings</translation>
        </message>
        <message>
            <source>Cancellations</source>
            <translation>Cancellations</translation>
        </message>
        <message>
            <source>Disputes</source>
            <translation>Disputes</translation>
        </message>
        <message>
            <source>Escalations</source>
            <translation>Escalations</translation>
        </message>
        <message>
            <source>Applications</source>
            <translation>Applications</translation>
        </message>
        <message>
            <source>Reviews</source>
            <translation>Reviews</translation>
        </message>
        <message>
            <source>Sign-ups</source>
            <translation>Sign-ups</translation>
        </message>
        <message>
            <source>You're all caught up.</source>
            <translation>You're all caught up.</translation>
        </message>
        <message>
            <source>Signed out. Sign in to see notifications.</source>
            <translation>Signed out. Sign in to see notifications.</translation>
        </message>
        <message>
            <source>LIA Admin — Notifications</source>
            <translation>LIA Admin — Notifications</translation>
        </message>
        <message>
            <source>Notifications</source>
            <translation>Notifications</translation>
        </message>
        <message>
            <source>Show only the chosen types (several can be chosen)</source>
            <translation>Show only the chosen types (several can be chosen)</translation>
        </message>
        <message>
            <source>&amp;Hide read</source>
            <translation>&amp;Hide read</translation>
        </message>
        <message>
            <source>Show only unread notifications; read ones stay in the history</source>
            <translation>Show only unread notifications; read ones stay in the history</translation>
        </message>
        <message>
            <source>Mine</source>
            <translation>Mine</translation>
        </message>
        <message>
            <source>Show only the items you have claimed</source>
            <translation>Show only the items you have claimed</translation>
        </message>
        <message>
            <source>Unclaimed</source>
            <translation>Unclaimed</translation>
        </message>
        <message>
            <source>Show only the items that need an owner</source>
            <translation>Show only the items that need an owner</translation>
        </message>
        <message>
            <source>Claim</source>
            <translation>Claim</translation>
        </message>
        <message>
            <source>Give to…</source>
            <translation>Give to…</translation>
        </message>
        <message>
            <source>Hand this item to another admin (G)</source>
            <translation>Hand this item to another admin (G)</translation>
        </message>
        <message>
            <source>Give to</source>
            <translation>Give to</translation>
        </message>
        <message>
            <source>Admins on duty first; away and off-duty admins are marked</source>
            <translation>Admins on duty first; away and off-duty admins are marked</translation>
        </message>
        <message>
            <source>Mark read</source>
            <translation>Mark read</translation>
        </message>
        <message>
            <source>Mark the selected notifications read (Space)</source>
            <translation>Mark the selected notifications read (Space)</translation>
        </message>
        <message>
            <source>Release</source>
            <translation>Release</translation>
        </message>
        <message>
            <source>Let another admin take this item (C)</source>
            <translation>Let another admin take this item (C)</translation>
        </message>
        <message>
            <source>Take this item so other admins know (C)</source>
            <translation>Take this item so other admins know (C)</translation>
        </message>
        <message>
            <source>No other admin on the team yet</source>
            <translation>No other admin on the team yet</translation>
        </message>
        <message numerus="yes">
            <source>%n unread of the chosen types</source>
            <translation>
                <numerusform>%n unread of the chosen types</numerusform>
                <numerusform>%n unread of the chosen types</numerusform>
            </translation>
        </message>
        <message>
            <source>Mark &amp;all shown read</source>
            <translation>Mark &amp;all shown read</translation>
        </message>
        <message>
            <source>Mark the notifications of the chosen types read</source>
            <translation>Mark the notifications of the chosen types read</translation>
        </message>
        <message numerus="yes">
            <source>%n unread</source>
            <translation>
                <numerusform>%n unread</numerusform>
                <numerusform>%n unread</numerusform>
            </translation>
        </message>
        <message>
            <source>Mark &amp;all read</source>
            <translation>Mark &amp;all read</translation>
        </message>
        <message>
            <source>Mark every notification read</source>
            <translation>Mark every notification read</translation>
        </message>
        <message>
            <source>↑ ↓ Home End: move · Enter: open in the web admin · Space: read/unread · C: claim or release · G: give to… · Ctrl+A: select all · {hide}: hide read · {mark_all}: mark all read · Esc: close</source>
            <translation>↑ ↓ Home End: move · Enter: open in the web admin · Space: read/unread · C: claim or release · G: give to… · Ctrl+A: select all · {hide}: hide read · {mark_all}: mark all read · Esc: close</translation>
        </message>
    </context>
    <context>
        <name>NotificationModel</name>
        <message>
            <source>Read: {title}, {when}</source>
            <translation>Read: {title}, {when}</translation>
        </message>
        <message>
            <source>Unread, urgent: {title}, {when}</source>
            <translation>Unread, urgent: {title}, {when}</translation>
        </message>
        <message>
            <source>Unread: {title}, {when}</source>
            <translation>Unread: {title}, {when}</translation>
        </message>
    </context>
    <context>
        <name>OptionalEdit</name>
        <message>
            <source>to</source>
            <translation>to</translation>
        </message>
    </context>
    <context>
        <name>Outage</name>
        <message>
            <source>Not live since {time}</source>
            <translation>Not live since {time}</translation>
        </message>
        <message>
            <source>Open notifications</source>
            <translation>Open notifications</translation>
        </message>
        <message>
            <source>LIA Admin is not connected</source>
            <translation>LIA Admin is not connected</translation>
        </message>
        <message>
            <source>{since}. It keeps retrying; nothing is lost, the notifications that arrive meanwhile show up once it is back.</source>
            <translation>{since}. It keeps retrying; nothing is lost, the notifications that arrive meanwhile show up once it is back.</translation>
        </message>
    </context>
    <context>
        <name>Problems</name>
        <message>
            <source>Both are in the Supabase dashboard: open your project, then Project Settings → API. Copy the Project URL and the 'anon public' key.</source>
            <translation>Both are in the Supabase dashboard: open your project, then Project Settings → API. Copy the Project URL and the 'anon public' key.</translation>
        </message>
        <message>
            <source>the server</source>
            <translation>the server</translation>
        </message>
        <message>
            <source>Can't reach {server}. Check the address and your internet connection.</source>
            <translation>Can't reach {server}. Check the address and your internet connection.</translation>
        </message>
        <message>
            <source>{server} does not answer as a Supabase project. Check the address: in the Supabase dashboard, open Project Settings → API and copy the Project URL (https://….supabase.co).</source>
            <translation>{server} does not answer as a Supabase project. Check the address: in the Supabase dashboard, open Project Settings → API and copy the Project URL (https://….supabase.co).</translation>
        </message>
        <message>
            <source>{server} is a Supabase project without LIA's admin setup: it shows admin data to anyone. Check the address, or have LIA's database migrations applied there.</source>
            <translation>{server} is a Supabase project without LIA's admin setup: it shows admin data to anyone. Check the address, or have LIA's database migrations applied there.</translation>
        </message>
        <message>
            <source>The server did not accept this anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key of this project.</source>
            <translation>The server did not accept this anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key of this project.</translation>
        </message>
        <message>
            <source>Wrong email or password. Check both and try again; if the account is new, confirm its email address first.</source>
            <translation>Wrong email or password. Check both and try again; if the account is new, confirm its email address first.</translation>
        </message>
        <message>
            <source>This account is not a LIA administrator. Sign in with an admin account, or ask an administrator to give this one the admin role.</source>
            <translation>This account is not a LIA administrator. Sign in with an admin account, or ask an administrator to give this one the admin role.</translation>
        </message>
        <message>
            <source>Your session has ended. Please sign in again.</source>
            <translation>Your session has ended. Please sign in again.</translation>
        </message>
        <message>
            <source>The server could not complete the request. Try again in a moment; if it keeps failing, the app's log has the details.</source>
            <translation>The server could not complete the request. Try again in a moment; if it keeps failing, the app's log has the details.</translation>
        </message>
        <message>
            <source>Required.</source>
            <translation>Required.</translation>
        </message>
        <message>
            <source>That is not an anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key.</source>
            <translation>That is not an anon key. In the Supabase dashboard, open Project Settings → API and copy the 'anon public' key.</translation>
        </message>
        <message>
            <source>That key is not the anon key (it may be the secret service_role key, which must never be used here). In Project Settings → API, copy the 'anon public' key.</source>
            <translation>That key is not the anon key (it may be the secret service_role key, which must never be used here). In Project Settings → API, copy the 'anon public' key.</translation>
        </message>
        <message>
            <source>Enter the web admin's address, such as https://admin.example.com: http or https, plain ASCII letters, no user name and no ? or # part.</source>
            <translation>Enter the web admin's address, such as https://admin.example.com: http or https, plain ASCII letters, no user name and no ? or # part.</translation>
        </message>
        <message>
            <source>Quiet hours must end at another time than they start.</source>
            <translation>Quiet hours must end at another time than they start.</translation>
        </message>
        <message>
            <source>This value cannot be used. Choose another one.</source>
            <translation>This value cannot be used. Choose another one.</translation>
        </message>
        <message>
            <source>The settings could not be saved ({reason}). Nothing was changed.</source>
            <translation>The settings could not be saved ({reason}). Nothing was changed.</translation>
        </message>
        <message>
            <source>unknown error</source>
            <translation>unknown error</translation>
        </message>
        <message>
            <source>This project asks administrators for a second sign-in step. Sign in again and enter the code from your authenticator app.</source>
            <translation>This project asks administrators for a second sign-in step. Sign in again and enter the code from your authenticator app.</translation>
        </message>
        <message>
            <source>This project asks administrators for a code from an authenticator app, and this account has none yet. Sign in once in the LIA Desktop app to set one up.</source>
            <translation>This project asks administrators for a code from an authenticator app, and this account has none yet. Sign in once in the LIA Desktop app to set one up.</translation>
        </message>
        <message>
            <source>That code is not right. Enter the 6-digit code your authenticator app shows now for LIA.</source>
            <translation>That code is not right. Enter the 6-digit code your authenticator app shows now for LIA.</translation>
        </message>
        <message>
            <source>That code has expired or was already used. Enter the new code your authenticator app shows.</source>
            <translation>That code has expired or was already used. Enter the new code your authenticator app shows.</translation>
        </message>
        <message>
            <source>Too many tries in a short time. Wait a minute, then try again.</source>
            <translation>Too many tries in a short time. Wait a minute, then try again.</translation>
        </message>
        <message>
            <source>That is not a Supabase URL. It starts with https:// and looks like https://your-project.supabase.co (Project Settings → API → Project URL).</source>
            <translation>That is not a Supabase URL. It starts with https:// and looks like https://your-project.supabase.co (Project Settings → API → Project URL).</translation>
        </message>
        <message>
            <source>That address has a line break in it: paste the Project URL alone.</source>
            <translation>That address has a line break in it: paste the Project URL alone.</translation>
        </message>
        <message>
            <source>That address has a space or an invisible character in it.</source>
            <translation>That address has a space or an invisible character in it.</translation>
        </message>
        <message>
            <source>That address has no server name after ://.</source>
            <translation>That address has no server name after ://.</translation>
        </message>
        <message>
            <source>{host} is not a server name: it has characters other than letters, digits, dots and hyphens.</source>
            <translation>{host} is not a server name: it has characters other than letters, digits, dots and hyphens.</translation>
        </message>
        <message>
            <source>An IPv6 address goes between square brackets, both of them, such as http://[::1]:54321.</source>
            <translation>An IPv6 address goes between square brackets, both of them, such as http://[::1]:54321.</translation>
        </message>
        <message>
            <source>Port {port} does not exist (1-65535).</source>
            <translation>Port {port} does not exist (1-65535).</translation>
        </message>
        <message>
            <source>Copy the Project URL from the Supabase dashboard: Project Settings → API.</source>
            <translation>Copy the Project URL from the Supabase dashboard: Project Settings → API.</translation>
        </message>
    </context>
    <context>
        <name>SecondFactorForm</name>
        <message>
            <source>QR code for your authenticator app</source>
            <translation>QR code for your authenticator app</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>Key</translation>
        </message>
        <message>
            <source>Tip: add this key to a second authenticator too (another phone or your password manager), so that losing one phone does not lock you out.</source>
            <translation>Tip: add this key to a second authenticator too (another phone or your password manager), so that losing one phone does not lock you out.</translation>
        </message>
        <message>
            <source>The 6-digit code your authenticator app shows for LIA Admin.</source>
            <translation>The 6-digit code your authenticator app shows for LIA Admin.</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>Code</translation>
        </message>
        <message>
            <source>Two-step sign-in: enter the 6-digit code your authenticator app shows for LIA Admin ({email}).</source>
            <translation>Two-step sign-in: enter the 6-digit code your authenticator app shows for LIA Admin ({email}).</translation>
        </message>
        <message>
            <source>This project asks administrators for a second sign-in step. Scan the QR code with an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), or type the key into it, then enter the 6-digit code it shows.</source>
            <translation>This project asks administrators for a second sign-in step. Scan the QR code with an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), or type the key into it, then enter the 6-digit code it shows.</translation>
        </message>
    </context>
    <context>
        <name>Service</name>
        <message>
            <source>Plumbing</source>
            <translation>Plumbing</translation>
        </message>
        <message>
            <source>Electrician</source>
            <translation>Electrician</translation>
        </message>
        <message>
            <source>Cleaning</source>
            <translation>Cleaning</translation>
        </message>
        <message>
            <source>House cleaning</source>
            <translation>House cleaning</translation>
        </message>
        <message>
            <source>Painting</source>
            <translation>Painting</translation>
        </message>
        <message>
            <source>Carpentry</source>
            <translation>Carpentry</translation>
        </message>
        <message>
            <source>Appliance repair</source>
            <translation>Appliance repair</translation>
        </message>
        <message>
            <source>Gardening</source>
            <translation>Gardening</translation>
        </message>
        <message>
            <source>Locksmith</source>
            <translation>Locksmith</translation>
        </message>
        <message>
            <source>AC maintenance</source>
            <translation>AC maintenance</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Everything</source>
            <translation>Everything</translation>
        </message>
        <message>
            <source>Medium and above</source>
            <translation>Medium and above</translation>
        </message>
        <message>
            <source>High and urgent</source>
            <translation>High and urgent</translation>
        </message>
        <message>
            <source>Urgent only</source>
            <translation>Urgent only</translation>
        </message>
        <message>
            <source> min</source>
            <translation> min</translation>
        </message>
        <message>
            <source>From {low} to {high} minutes</source>
            <translation>From {low} to {high} minutes</translation>
        </message>
        <message>
            <source>LIA Admin — Settings</source>
            <translation>LIA Admin — Settings</translation>
        </message>
        <message>
            <source>From</source>
            <translation>From</translation>
        </message>
        <message>
            <source>Until</source>
            <translation>Until</translation>
        </message>
        <message>
            <source>Quiet hours</source>
            <translation>Quiet hours</translation>
        </message>
        <message>
            <source>No toasts between these times every day; urgent ones still come</source>
            <translation>No toasts between these times every day; urgent ones still come</translation>
        </message>
        <message>
            <source>Quiet hours start</source>
            <translation>Quiet hours start</translation>
        </message>
        <message>
            <source>Quiet hours end</source>
            <translation>Quiet hours end</translation>
        </message>
        <message>
            <source>Do not disturb</source>
            <translation>Do not disturb</translation>
        </message>
        <message>
            <source>No toasts until this time</source>
            <translation>No toasts until this time</translation>
        </message>
        <message>
            <source>Do not disturb until</source>
            <translation>Do not disturb until</translation>
        </message>
        <message>
            <source>Play a sound with toasts</source>
            <translation>Play a sound with toasts</translation>
        </message>
        <message>
            <source>Start LIA Admin when I log in</source>
            <translation>Start LIA Admin when I log in</translation>
        </message>
        <message>
            <source>Urgent notifications break through do not disturb</source>
            <translation>Urgent notifications break through do not disturb</translation>
        </message>
        <message>
            <source>Set me Away while my screen is locked or asleep</source>
            <translation>Set me Away while my screen is locked or asleep</translation>
        </message>
        <message>
            <source>Same as the system</source>
            <translation>Same as the system</translation>
        </message>
        <message>
            <source>Supabase URL</source>
            <translation>Supabase URL</translation>
        </message>
        <message>
            <source>Anon key</source>
            <translation>Anon key</translation>
        </message>
        <message>
            <source>Web admin URL</source>
            <translation>Web admin URL</translation>
        </message>
        <message>
            <source>Toasts for</source>
            <translation>Toasts for</translation>
        </message>
        <message>
            <source>Sounds</source>
            <translation>Sounds</translation>
        </message>
        <message>
            <source>Urgent</source>
            <translation>Urgent</translation>
        </message>
        <message>
            <source>Toasts by type</source>
            <translation>Toasts by type</translation>
        </message>
        <message>
            <source>Remind me of items I claimed after</source>
            <translation>Remind me of items I claimed after</translation>
        </message>
        <message>
            <source>Escalate urgent unclaimed items after</source>
            <translation>Escalate urgent unclaimed items after</translation>
        </message>
        <message>
            <source>Away</source>
            <translation>Away</translation>
        </message>
        <message>
            <source>Launch at login</source>
            <translation>Launch at login</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Language</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
    </context>
    <context>
        <name>SignInDialog</name>
        <message>
            <source>Sign in to LIA Admin</source>
            <translation>Sign in to LIA Admin</translation>
        </message>
        <message>
            <source>https://your-project.supabase.co</source>
            <translation>https://your-project.supabase.co</translation>
        </message>
        <message>
            <source>public anon key</source>
            <translation>public anon key</translation>
        </message>
        <message>
            <source>The password of your LIA admin account. It is not saved; only the sign-in session is kept.</source>
            <translation>The password of your LIA admin account. It is not saved; only the sign-in session is kept.</translation>
        </message>
        <message>
            <source>Supabase URL</source>
            <translation>Supabase URL</translation>
        </message>
        <message>
            <source>Anon key</source>
            <translation>Anon key</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>Sign in</translation>
        </message>
        <message>
            <source>Verifying…</source>
            <translation>Verifying…</translation>
        </message>
        <message>
            <source>Verify</source>
            <translation>Verify</translation>
        </message>
        <message>
            <source>Signing in…</source>
            <translation>Signing in…</translation>
        </message>
    </context>
    <context>
        <name>StatCard</name>
        <message>
            <source>Total bookings</source>
            <translation>Total bookings</translation>
        </message>
        <message>
            <source>Pending bookings</source>
            <translation>Pending bookings</translation>
        </message>
        <message>
            <source>Users</source>
            <translation>Users</translation>
        </message>
        <message>
            <source>Revenue (completed)</source>
            <translation>Revenue (completed)</translation>
        </message>
        <message>
            <source>New professionals (30 d)</source>
            <translation>New professionals (30 d)</translation>
        </message>
        <message>
            <source>Live</source>
            <translation>Live</translation>
        </message>
        <message>
            <source>Not live</source>
            <translation>Not live</translation>
        </message>
        <message>
            <source>{title}: loading</source>
            <translation>{title}: loading</translation>
        </message>
        <message>
            <source>{title}: {value}, {trend}</source>
            <translation>{title}: {value}, {trend}</translation>
        </message>
        <message>
            <source>{title}: {value}</source>
            <translation>{title}: {value}</translation>
        </message>
    </context>
    <context>
        <name>StatsWindow</name>
        <message>
            <source>Updated {time}</source>
            <translation>Updated {time}</translation>
        </message>
        <message>
            <source>Live</source>
            <translation>Live</translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>Connecting</translation>
        </message>
        <message>
            <source>Signed out</source>
            <translation>Signed out</translation>
        </message>
        <message>
            <source>Sign in again</source>
            <translation>Sign in again</translation>
        </message>
        <message>
            <source>Disconnected</source>
            <translation>Disconnected</translation>
        </message>
        <message>
            <source>LIA Admin — Live stats</source>
            <translation>LIA Admin — Live stats</translation>
        </message>
        <message>
            <source>Live stats</source>
            <translation>Live stats</translation>
        </message>
        <message>
            <source>waiting for confirmation</source>
            <translation>waiting for confirmation</translation>
        </message>
    </context>
    <context>
        <name>Summary</name>
        <message numerus="yes">
            <source>%n new booking(s)</source>
            <translation>
                <numerusform>%n new booking</numerusform>
                <numerusform>%n new bookings</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n cancellation(s)</source>
            <translation>
                <numerusform>%n cancellation</numerusform>
                <numerusform>%n cancellations</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n dispute(s)</source>
            <translation>
                <numerusform>%n dispute</numerusform>
                <numerusform>%n disputes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n professional application(s)</source>
            <translation>
                <numerusform>%n professional application</numerusform>
                <numerusform>%n professional applications</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n review(s)</source>
            <translation>
                <numerusform>%n review</numerusform>
                <numerusform>%n reviews</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new sign-up(s)</source>
            <translation>
                <numerusform>%n new sign-up</numerusform>
                <numerusform>%n new sign-ups</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Toast</name>
        <message>
            <source>Open notifications</source>
            <translation>Open notifications</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>Claim</source>
            <translation>Claim</translation>
        </message>
        <message>
            <source>View booking</source>
            <translation>View booking</translation>
        </message>
        <message>
            <source>Review dispute</source>
            <translation>Review dispute</translation>
        </message>
        <message>
            <source>Review application</source>
            <translation>Review application</translation>
        </message>
        <message>
            <source>View review</source>
            <translation>View review</translation>
        </message>
        <message>
            <source>while you were away</source>
            <translation>while you were away</translation>
        </message>
        <message numerus="yes">
            <source>in the last %n minute(s)</source>
            <translation>
                <numerusform>in the last %n minute</numerusform>
                <numerusform>in the last %n minutes</numerusform>
            </translation>
        </message>
        <message>
            <source>View professional</source>
            <translation>View professional</translation>
        </message>
        <message>
            <source>Remind me in 15 min</source>
            <translation>Remind me in 15 min</translation>
        </message>
        <message>
            <source>Mark read</source>
            <translation>Mark read</translation>
        </message>
        <message numerus="yes">
            <source>%n unread notification(s)</source>
            <translation>
                <numerusform>%n unread notification</numerusform>
                <numerusform>%n unread notifications</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ToastChoices</name>
        <message>
            <source>Notification</source>
            <translation>Notification</translation>
        </message>
        <message>
            <source>Toast</source>
            <translation>Toast</translation>
        </message>
        <message>
            <source>Sound</source>
            <translation>Sound</translation>
        </message>
        <message>
            <source>Automatic</source>
            <translation>Automatic</translation>
        </message>
        <message>
            <source>Own toast</source>
            <translation>Own toast</translation>
        </message>
        <message>
            <source>Grouped</source>
            <translation>Grouped</translation>
        </message>
        <message>
            <source>List only</source>
            <translation>List only</translation>
        </message>
        <message>
            <source>On</source>
            <translation>On</translation>
        </message>
        <message>
            <source>Off</source>
            <translation>Off</translation>
        </message>
        <message>
            <source>Automatic follows the priority: urgent and high get their own toast, medium ones are grouped into summaries, low ones only go to the list.</source>
            <translation>Automatic follows the priority: urgent and high get their own toast, medium ones are grouped into summaries, low ones only go to the list.</translation>
        </message>
        <message>
            <source>Automatic: a sound for urgent and high notifications only.</source>
            <translation>Automatic: a sound for urgent and high notifications only.</translation>
        </message>
        <message>
            <source>Toast for %1</source>
            <translation>Toast for %1</translation>
        </message>
        <message>
            <source>Sound for %1</source>
            <translation>Sound for %1</translation>
        </message>
    </context>
    <context>
        <name>TrayMenu</name>
        <message>
            <source>Notifications</source>
            <translation>Notifications</translation>
        </message>
        <message>
            <source>Stats</source>
            <translation>Stats</translation>
        </message>
        <message>
            <source>Do not disturb for 1 hour</source>
            <translation>Do not disturb for 1 hour</translation>
        </message>
        <message>
            <source>Do not disturb until tomorrow 8:00</source>
            <translation>Do not disturb until tomorrow 8:00</translation>
        </message>
        <message>
            <source>Resume notifications</source>
            <translation>Resume notifications</translation>
        </message>
        <message>
            <source>Quiet hours…</source>
            <translation>Quiet hours…</translation>
        </message>
        <message>
            <source>Settings…</source>
            <translation>Settings…</translation>
        </message>
        <message>
            <source>Sign in…</source>
            <translation>Sign in…</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>Sign out</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Quit</translation>
        </message>
        <message>
            <source>On duty</source>
            <translation>On duty</translation>
        </message>
        <message>
            <source>Available</source>
            <translation>Available</translation>
        </message>
        <message>
            <source>Away</source>
            <translation>Away</translation>
        </message>
        <message>
            <source>Off duty</source>
            <translation>Off duty</translation>
        </message>
        <message>
            <source>Resume notifications (do not disturb %1)</source>
            <translation>Resume notifications (do not disturb %1)</translation>
        </message>
    </context>
</TS>
